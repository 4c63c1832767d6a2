package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.CREATED;
import static org.agentkanban.domain.EventKind.GC;
import static org.agentkanban.domain.EventKind.TASK_DELETED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Status;
import org.agentkanban.store.TaskQuery;
import org.junit.jupiter.api.Test;

/** Deleting archived tasks and garbage-collecting old events and logs. */
class MaintenanceTest extends BoardTestBase {
  private static final long DAY = 86_400_000L;

  /** Rows that still mention the task, counted straight from the database file. */
  private long rowsMentioning(String taskId) throws SQLException {
    String sql = """
        SELECT (SELECT count(*) FROM tasks WHERE id = ?1)
             + (SELECT count(*) FROM runs WHERE task_id = ?1)
             + (SELECT count(*) FROM comments WHERE task_id = ?1)
             + (SELECT count(*) FROM events WHERE task_id = ?1)
             + (SELECT count(*) FROM attachments WHERE task_id = ?1)
             + (SELECT count(*) FROM links WHERE parent_id = ?1 OR child_id = ?1)""";
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.dbFile("default"));
        PreparedStatement ps = db.prepareStatement(sql)) {
      ps.setString(1, taskId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** An archived task with a parent, a child, a run, a comment and an attachment. */
  private String archivedTaskWithHistory() throws IOException {
    String parent = create("parent");
    board.complete(parent, null, null, false, ALICE);
    String id = create("doomed", parent);
    create("child", id);
    Claim c = claim(id);
    board.comment(id, "working on it", worker(c));
    board.attach(id, Files.writeString(dir.resolve("a.txt"), "a"), null, null, ALICE);
    board.archive(id, "obsolete", ALICE);
    return id;
  }

  // ---- delete ----------------------------------------------------------------------------------

  @Test
  void onlyArchivedTasksCanBeDeleted() {
    String id = create("t");
    board.complete(id, null, null, false, ALICE);

    var e = refused(ErrorKind.REFUSED, () -> board.delete(id, ALICE));

    assertThat(e.getMessage()).isEqualTo("cannot delete " + id + ": it is done; delete applies to archived tasks");
    assertThat(status(id)).isEqualTo(Status.DONE);
  }

  @Test
  void deletingRemovesTheTaskWithItsRunsCommentsEventsLinksAndAttachments() throws Exception {
    String id = archivedTaskWithHistory();
    assertThat(rowsMentioning(id)).isGreaterThan(5);

    board.delete(id, ALICE);

    assertThat(rowsMentioning(id)).isZero();
    refused(ErrorKind.NOT_FOUND, () -> board.show(id, 1));
    refused(ErrorKind.NOT_FOUND, () -> board.runs(id));
    assertThat(events(id)).isEmpty();
  }

  @Test
  void aBoardLevelTaskDeletedEventRemains() throws Exception {
    String id = archivedTaskWithHistory();
    long before = maxEventId();
    forgetEvents();

    board.delete(id, ALICE);

    List<Event> events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(TASK_DELETED);
    Event deleted = events.get(0);
    assertThat(deleted.taskId()).isNull();
    assertThat(deleted.actor()).isEqualTo("alice");
    assertThat(deleted.payload()).contains("\"task_id\":\"" + id + "\"").contains("\"title\":\"doomed\"");
    assertThat(deleted.id()).isGreaterThan(before);
    assertThat(maxEventId()).isEqualTo(deleted.id());
  }

  @Test
  void deletingAParentLeavesItsChildInPlace() {
    String parent = create("parent");
    String child = create("child", parent);
    board.archive(parent, null, ALICE);

    board.delete(parent, ALICE);

    assertThat(board.show(child, 1).view().parents()).isEmpty();
    assertThat(status(child)).isEqualTo(Status.READY);
  }

  @Test
  void deletingAnUnknownTaskIsNotFound() {
    refused(ErrorKind.NOT_FOUND, () -> board.delete("t_nosuchtask0", ALICE));
  }

  // ---- gc ----------------------------------------------------------------------------------------

  @Test
  void gcDeletesOldEventsOfFinishedTasksButKeepsCreated() {
    String id = create("t");
    Claim c = claim(id);
    board.heartbeat(id, null, worker(c));
    board.complete(id, "ok", null, false, worker(c));
    clock.advance(8 * DAY);
    forgetEvents();

    GcResult r = board.gc(7 * DAY, 7 * DAY);

    assertThat(r.eventsDeleted()).isEqualTo(3);
    assertThat(events(id)).extracting(Event::kind).containsExactly(CREATED);
    assertThat(newEvents()).containsExactly(GC);
    assertThat(board.list(TaskQuery.byStatus(Status.DONE, 10))).extracting(TaskView::id).containsExactly(id);
  }

  @Test
  void gcKeepsEventsOfOpenTasksAndRecentEventsOfFinishedOnes() {
    String open = create("open");
    claim(open);
    String old = create("finished long ago");
    board.complete(old, null, null, false, ALICE);
    clock.advance(8 * DAY);
    String recent = create("finished just now");
    board.archive(recent, null, ALICE);

    board.gc(7 * DAY, 7 * DAY);

    assertThat(events(open)).extracting(Event::kind).containsExactly(CREATED, EventKind.CLAIMED);
    assertThat(events(old)).extracting(Event::kind).containsExactly(CREATED);
    assertThat(events(recent)).extracting(Event::kind).containsExactly(CREATED, EventKind.ARCHIVED);
  }

  @Test
  void gcDeletesOnlyOldLogsOfFinishedTasks() throws IOException {
    String done = create("done");
    board.complete(done, null, null, false, ALICE);
    String open = create("open");
    Path logs = home.boards.home().logsDir("default");
    Path oldLog = log(logs.resolve(done).resolve("1.log"), clock.now() - 10 * DAY);
    Path newLog = log(logs.resolve(done).resolve("2.log"), clock.now() - DAY);
    Path openLog = log(logs.resolve(open).resolve("3.log"), clock.now() - 10 * DAY);

    GcResult r = board.gc(7 * DAY, 7 * DAY);

    assertThat(r.logFilesDeleted()).isEqualTo(1);
    assertThat(r.logBytesDeleted()).isEqualTo(5);
    assertThat(oldLog).doesNotExist();
    assertThat(newLog).exists();
    assertThat(openLog).exists();
  }

  private static Path log(Path file, long mtime) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "hello");
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime));
    return file;
  }

  @Test
  void gcNeedsAPositiveRetention() {
    refused(ErrorKind.INVALID_INPUT, () -> board.gc(0, DAY));
    refused(ErrorKind.INVALID_INPUT, () -> board.gc(DAY, -1));
  }
}
