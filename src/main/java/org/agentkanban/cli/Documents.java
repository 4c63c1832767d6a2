package org.agentkanban.cli;

import java.util.function.Function;
import org.agentkanban.domain.Attachment;
import org.agentkanban.service.TaskDetail;
import org.agentkanban.service.TaskView;
import org.agentkanban.wire.ResponseJson;
import org.agentkanban.wire.TaskJson;

/**
 * JSON documents the CLI prints. They are built by {@link org.agentkanban.api.Documents}, the
 * renderer the HTTP API uses, so {@code --json} prints the same document locally and through a
 * gateway.
 */
final class Documents {
  private Documents() {}

  static TaskJson task(TaskView v) {
    return org.agentkanban.api.Documents.task(v);
  }

  static ResponseJson.Detail detail(TaskDetail d, Function<Attachment, String> pathOf) {
    return org.agentkanban.api.Documents.detail(d, pathOf);
  }
}
