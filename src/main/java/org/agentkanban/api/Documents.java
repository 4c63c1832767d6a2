package org.agentkanban.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.service.BoardInfo;
import org.agentkanban.service.BoardStats;
import org.agentkanban.service.Claim;
import org.agentkanban.service.CreateResult;
import org.agentkanban.service.GcResult;
import org.agentkanban.service.TaskDetail;
import org.agentkanban.service.TaskView;
import org.agentkanban.service.TickResult;
import org.agentkanban.wire.AttachmentJson;
import org.agentkanban.wire.CommentJson;
import org.agentkanban.wire.EventJson;
import org.agentkanban.wire.ResponseJson;
import org.agentkanban.wire.RunJson;
import org.agentkanban.wire.TaskJson;

/**
 * Service results as the wire documents of {@link ResponseJson}. The API and {@code kanban --json}
 * both render through here, so a document has one shape whichever way it was produced.
 */
public final class Documents {
  private Documents() {}

  public static TaskJson task(TaskView v) {
    return TaskJson.of(v.task(), v.parents(), v.children());
  }

  public static ResponseJson.TaskList list(String board, List<TaskView> views) {
    return new ResponseJson.TaskList(board, views.size(), views.stream().map(Documents::task).toList());
  }

  public static ResponseJson.Created created(CreateResult r) {
    return new ResponseJson.Created(r.created(), task(r.view()));
  }

  /** @param pathOf where an attachment's bytes are on the board's host */
  public static ResponseJson.Detail detail(TaskDetail d, Function<Attachment, String> pathOf) {
    return new ResponseJson.Detail(task(d.view()), related(d.parents()), related(d.children()),
        d.comments().stream().map(CommentJson::of).toList(),
        d.runs().stream().map(RunJson::of).toList(),
        d.events().stream().map(EventJson::of).toList(),
        d.attachments().stream().map(a -> AttachmentJson.of(a, pathOf.apply(a))).toList());
  }

  private static List<ResponseJson.Related> related(List<TaskDetail.Related> list) {
    return list.stream().map(r -> new ResponseJson.Related(r.id(), r.title(), r.status().wire())).toList();
  }

  public static ResponseJson.Context context(String taskId, String document) {
    return new ResponseJson.Context(taskId, document);
  }

  public static ResponseJson.Claimed claimed(Claim c) {
    return new ResponseJson.Claimed(task(c.view()), RunJson.of(c.run()), c.runToken());
  }

  public static ResponseJson.Runs runs(String taskId, List<Run> runs) {
    return new ResponseJson.Runs(taskId, runs.stream().map(RunJson::of).toList());
  }

  /** @param after the cursor the events were read after: the next cursor when there are none */
  public static ResponseJson.Events events(List<Event> events, long after) {
    long next = events.isEmpty() ? after : events.get(events.size() - 1).id();
    return new ResponseJson.Events(events.stream().map(EventJson::of).toList(), next);
  }

  public static ResponseJson.Attachments attachments(String taskId, List<Attachment> list,
      Function<Attachment, String> pathOf) {
    return new ResponseJson.Attachments(taskId, list.stream().map(a -> AttachmentJson.of(a, pathOf.apply(a))).toList());
  }

  public static ResponseJson.Stats stats(BoardStats s) {
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    for (Status st : Status.values()) {
      byStatus.put(st.wire(), s.byStatus().getOrDefault(st, 0));
    }
    Map<String, Integer> runs = new LinkedHashMap<>();
    s.runsByOutcome().forEach((k, v) -> runs.put(k.wire(), v));
    return new ResponseJson.Stats(s.board(), byStatus, new LinkedHashMap<>(s.byAssignee()), runs,
        s.oldestReadyAgeMs(), s.events(), s.now());
  }

  public static ResponseJson.Tick tick(TickResult r) {
    return new ResponseJson.Tick(r.woken(), r.released());
  }

  public static ResponseJson.Gc gc(GcResult r) {
    return new ResponseJson.Gc(r.eventsDeleted(), r.logFilesDeleted(), r.logBytesDeleted());
  }

  public static ResponseJson.Board board(BoardInfo b) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (!b.archived()) {
      for (Status s : Status.values()) {
        counts.put(s.wire(), b.counts().getOrDefault(s, 0));
      }
    }
    return new ResponseJson.Board(b.slug(), b.name(), b.description(), b.directory().toString(), b.current(),
        b.archived(), counts);
  }

  public static ResponseJson.Boards boards(List<BoardInfo> list) {
    return new ResponseJson.Boards(list.stream().map(Documents::board).toList());
  }

  public static ResponseJson.BoardRemoved boardRemoved(String slug, boolean delete, java.nio.file.Path where) {
    return new ResponseJson.BoardRemoved(slug, delete, where == null ? null : where.toString());
  }
}
