package org.agentkanban.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agentkanban.service.TaskDetail;
import org.agentkanban.service.TaskView;
import org.agentkanban.wire.CommentJson;
import org.agentkanban.wire.EventJson;
import org.agentkanban.wire.RunJson;
import org.agentkanban.wire.TaskJson;

/** JSON documents the CLI prints, built from wire records. */
final class Documents {
  private Documents() {}

  static TaskJson task(TaskView v) {
    return TaskJson.of(v.task(), v.parents(), v.children());
  }

  static Map<String, Object> detail(TaskDetail d, java.util.function.Function<org.agentkanban.domain.Attachment, String> pathOf) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("task", task(d.view()));
    doc.put("parents", related(d.parents()));
    doc.put("children", related(d.children()));
    doc.put("comments", d.comments().stream().map(CommentJson::of).toList());
    doc.put("runs", d.runs().stream().map(RunJson::of).toList());
    doc.put("events", d.events().stream().map(EventJson::of).toList());
    doc.put("attachments", d.attachments().stream()
        .map(a -> org.agentkanban.wire.AttachmentJson.of(a, pathOf.apply(a))).toList());
    return doc;
  }

  private static List<Map<String, Object>> related(List<TaskDetail.Related> list) {
    return list.stream().map(r -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("title", r.title());
      m.put("status", r.status().wire());
      return m;
    }).toList();
  }
}
