package org.agentkanban.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite of the {@link BoardStore} seam: every store (SQLite, PostgreSQL, remote)
 * extends this class, supplies {@link #newStore()} and {@link #sameBoardAgain()}, and must pass
 * every test unchanged. It tests only what the interfaces promise, never how one database keeps
 * the promise; database-specific behaviour (journal modes, lock files, pragmas) has its own test
 * class beside each store.
 *
 * <p>Long on purpose: one place lists the whole contract. It is grouped by entity in
 * {@code @Nested} classes that follow the alphabetical order of {@link ReadTx}/{@link WriteTx}.
 * A change to the seam's behaviour comes with a change here.
 */
public abstract class BoardStoreContract {
  /** Timestamps are plain numbers to a store; any fixed epoch keeps the tests readable. */
  protected static final long T0 = 1_790_000_000_000L;

  protected BoardStore store;
  private final List<BoardStore> opened = new ArrayList<>();

  /** A new, empty board. Called once per test, before anything else. */
  protected abstract BoardStore newStore();

  /**
   * A second store on the board of the last {@link #newStore()}: what another process, or the same
   * process after a restart, would open. The contract closes it.
   */
  protected abstract BoardStore sameBoardAgain();

  @BeforeEach
  void openStore() {
    store = track(newStore());
  }

  @AfterEach
  void closeStores() {
    opened.forEach(BoardStore::close);
  }

  protected BoardStore track(BoardStore s) {
    opened.add(s);
    return s;
  }

  // ---- fixtures ----------------------------------------------------------------------------

  protected static Task.Builder task(String id) {
    return Task.builder(id, "Task " + id, T0);
  }

  /** A task with every optional field set, so a round trip checks every column. */
  protected static Task fullTask(String id) {
    return Task.builder(id, "Everything set", T0)
        .body("multi\nline body with 'quotes' and \"doubles\" and ünïcödé")
        .assignee("coder")
        .status(Status.BLOCKED)
        .priority(-7)
        .tenant("acme")
        .createdBy("alice")
        .idempotencyKey("key-" + id)
        .dedupeScope(DedupeScope.LIFETIME)
        .workspace(new Workspace(Workspace.Kind.DIR, "/srv/work"))
        .updatedAt(T0 + 5)
        .startedAt(T0 + 1)
        .completedAt(T0 + 2)
        .scheduledAt(T0 + 3)
        .maxRuntimeMs(60_000L)
        .maxRetries(4)
        .consecutiveFailures(2)
        .protocolViolations(1)
        .blockKind(BlockKind.NEEDS_INPUT)
        .blockRecurrences(3)
        .blockReason("which database?")
        .resumeStatus(Status.REVIEW)
        .reviewImplementer("coder-2")
        .lastFailureError("exit 1")
        .build();
  }

  protected void insert(Task... tasks) {
    store.write(tx -> {
      for (Task t : tasks) {
        tx.taskInsert(t);
      }
      return null;
    });
  }

  protected Task get(String id) {
    return store.read(tx -> tx.taskGet(id)).orElseThrow(() -> new AssertionError("no task " + id));
  }

  protected <T> T read(Function<ReadTx, T> work) {
    return store.read(work);
  }

  protected <T> T write(Function<WriteTx, T> work) {
    return store.write(work);
  }

  /** Opens a run on a ready task and makes the task running, as a claim does. */
  protected Run claim(String taskId, String assignee, long leaseExpiresAt) {
    return write(tx -> {
      Task t = tx.taskGet(taskId).orElseThrow();
      Run run = tx.runInsert(new Run(0, taskId, Status.READY, assignee, "gateway@host", "hash", leaseExpiresAt,
          60_000L, T0, null, null, null, null, null, T0, null, null, null, null, null, null));
      tx.taskUpdate(t.toBuilder().status(Status.RUNNING).currentRunId(run.id()).build());
      return run;
    });
  }

  /** A run that is already over (as a hand-off records one). */
  protected Run endedRun(String taskId, String assignee, RunEnd end, long endedAt) {
    return write(tx -> tx.runInsert(Run.synthetic(taskId, assignee, "someone", end, endedAt)));
  }

  protected long event(String taskId, EventKind kind, long at) {
    return write(tx -> tx.eventAppend(new Event(0, taskId, null, kind, "tester", "{\"n\":1}", at)));
  }

  protected static KanbanException kanbanFailure(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).as("expected a KanbanException").isInstanceOf(KanbanException.class);
    return (KanbanException) t;
  }

  protected static void assertConflict(Runnable r) {
    assertThat(kanbanFailure(r).kind()).isEqualTo(ErrorKind.CONFLICT);
  }

  private List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }

  // ---- attachments -------------------------------------------------------------------------

  @Nested
  class Attachments {
    @BeforeEach
    void aTask() {
      insert(task("t_att1").build(), task("t_att2").build());
    }

    private Attachment attachment(String taskId, String name) {
      return new Attachment(0, taskId, name, "s-" + name, "text/plain", 12, "abc123", "alice", T0);
    }

    @Test
    void anInsertedAttachmentCanBeReadBackWithItsNewId() {
      long id = write(tx -> tx.attachmentInsert(attachment("t_att1", "notes.txt")));

      assertThat(read((ReadTx tx) -> tx.attachmentGet(id))).contains(
          new Attachment(id, "t_att1", "notes.txt", "s-notes.txt", "text/plain", 12, "abc123", "alice", T0));
    }

    @Test
    void attachmentListReturnsOnlyTheTasksAttachmentsInInsertOrder() {
      long first = write(tx -> tx.attachmentInsert(attachment("t_att1", "b.txt")));
      write(tx -> tx.attachmentInsert(attachment("t_att2", "other.txt")));
      long second = write(tx -> tx.attachmentInsert(attachment("t_att1", "a.txt")));

      assertThat(read((ReadTx tx) -> tx.attachmentList("t_att1"))).extracting(Attachment::id).containsExactly(first, second);
    }

    @Test
    void aSecondAttachmentWithTheSameNameOnOneTaskIsAConflict() {
      write(tx -> tx.attachmentInsert(attachment("t_att1", "same.txt")));

      assertConflict(() -> write(tx -> tx.attachmentInsert(attachment("t_att1", "same.txt"))));
      write(tx -> tx.attachmentInsert(attachment("t_att2", "same.txt")));
      assertThat(read((ReadTx tx) -> tx.attachmentList("t_att1"))).hasSize(1);
    }

    @Test
    void attachmentDeleteRemovesItAndSaysWhetherItExisted() {
      long id = write(tx -> tx.attachmentInsert(attachment("t_att1", "gone.txt")));

      assertThat(write((WriteTx tx) -> tx.attachmentDelete(id))).isTrue();
      assertThat(write((WriteTx tx) -> tx.attachmentDelete(id))).isFalse();
      assertThat(read((ReadTx tx) -> tx.attachmentGet(id))).isEmpty();
    }
  }

  // ---- comments ----------------------------------------------------------------------------

  @Nested
  class Comments {
    @Test
    void commentListReturnsTheNewestCommentsOldestFirst() {
      insert(task("t_com1").build(), task("t_com2").build());
      for (int i = 1; i <= 5; i++) {
        int n = i;
        write(tx -> tx.commentInsert(new Comment(0, "t_com1", "alice", "comment " + n, T0 + n)));
      }
      write(tx -> tx.commentInsert(new Comment(0, "t_com2", "bob", "elsewhere", T0)));

      assertThat(read((ReadTx tx) -> tx.commentList("t_com1", 3))).extracting(Comment::body)
          .containsExactly("comment 3", "comment 4", "comment 5");
      assertThat(read((ReadTx tx) -> tx.commentCount("t_com1"))).isEqualTo(5);
    }

    @Test
    void anInsertedCommentCanBeReadBackWithItsNewId() {
      insert(task("t_com1").build());

      long id = write(tx -> tx.commentInsert(new Comment(0, "t_com1", "alice", "looks good", T0 + 9)));

      assertThat(read((ReadTx tx) -> tx.commentList("t_com1", 10)))
          .containsExactly(new Comment(id, "t_com1", "alice", "looks good", T0 + 9));
    }
  }

  // ---- events ------------------------------------------------------------------------------

  @Nested
  class Events {
    @BeforeEach
    void tasks() {
      insert(task("t_ev1").build(), task("t_ev2").build());
    }

    @Test
    void eventIdsAreStrictlyIncreasingAndEventMaxIdIsTheLast() {
      long a = event("t_ev1", EventKind.CREATED, T0);
      long b = event("t_ev2", EventKind.CREATED, T0);
      long c = event(null, EventKind.GC, T0);

      assertThat(b).isGreaterThan(a);
      assertThat(c).isGreaterThan(b);
      assertThat(read(ReadTx::eventMaxId)).isEqualTo(c);
      assertThat(read(ReadTx::eventCount)).isEqualTo(3);
    }

    @Test
    void anEmptyBoardHasEventMaxIdZero() {
      assertThat(read(ReadTx::eventMaxId)).isZero();
      assertThat(read(ReadTx::eventCount)).isZero();
    }

    @Test
    void anAppendedEventIsReadBackWithEveryField() {
      Run run = claim("t_ev1", "coder", T0 + 1000);
      long id = write(tx -> tx.eventAppend(
          new Event(0, "t_ev1", run.id(), EventKind.HEARTBEAT, "worker", "{\"note\":\"hi\"}", T0 + 7)));

      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.after(id - 1, 10))))
          .containsExactly(new Event(id, "t_ev1", run.id(), EventKind.HEARTBEAT, "worker", "{\"note\":\"hi\"}", T0 + 7));
    }

    @Test
    void eventListAfterACursorReturnsLaterEventsOldestFirstUpToTheLimit() {
      long a = event("t_ev1", EventKind.CREATED, T0);
      long b = event("t_ev2", EventKind.CREATED, T0);
      long c = event("t_ev1", EventKind.EDITED, T0);
      long d = event(null, EventKind.GC, T0);

      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.after(a, 2)))).extracting(Event::id).containsExactly(b, c);
      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.after(c, 10)))).extracting(Event::id).containsExactly(d);
      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.after(d, 10)))).isEmpty();
    }

    @Test
    void eventListOfOneTaskSkipsOtherTasks() {
      long a = event("t_ev1", EventKind.CREATED, T0);
      event("t_ev2", EventKind.CREATED, T0);
      long c = event("t_ev1", EventKind.EDITED, T0);

      assertThat(read((ReadTx tx) -> tx.eventList(new EventQuery(0, "t_ev1", 10, false)))).extracting(Event::id)
          .containsExactly(a, c);
    }

    @Test
    void eventListNewestFirstReturnsTheNewestEventsOfATaskNewestFirst() {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(event("t_ev1", EventKind.HEARTBEAT, T0 + i));
        event("t_ev2", EventKind.HEARTBEAT, T0 + i);
      }

      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.latestOfTask("t_ev1", 2)))).extracting(Event::id)
          .containsExactly(ids.get(4), ids.get(3));
      assertThat(read((ReadTx tx) -> tx.eventList(new EventQuery(0, null, 3, true)))).extracting(Event::taskId)
          .containsExactly("t_ev2", "t_ev1", "t_ev2");
    }

    @Test
    void eventIdsAreNeverReusedAfterTheNewestEventIsDeleted() {
      insert(task("t_ev3").build());
      long last = event("t_ev3", EventKind.CREATED, T0);
      write(tx -> {
        tx.taskDelete("t_ev3");
        return null;
      });

      assertThat(event("t_ev1", EventKind.EDITED, T0)).isGreaterThan(last);
    }

    @Test
    void eventDeleteOfFinishedTasksBeforeRemovesOldEventsOfDoneAndArchivedTasksButKeepsCreated() {
      insert(task("t_done").status(Status.DONE).build(), task("t_arch").status(Status.ARCHIVED).build());
      long doneCreated = event("t_done", EventKind.CREATED, T0);
      event("t_done", EventKind.CLAIMED, T0 + 10);
      long doneRecent = event("t_done", EventKind.COMPLETED, T0 + 100);
      long archCreated = event("t_arch", EventKind.CREATED, T0);
      event("t_arch", EventKind.ARCHIVED, T0 + 10);
      long openOld = event("t_ev1", EventKind.EDITED, T0);
      long boardOld = event(null, EventKind.BOARD_CREATED, T0);

      int deleted = write(tx -> tx.eventDeleteOfFinishedTasksBefore(T0 + 50));

      assertThat(deleted).isEqualTo(2);
      assertThat(read((ReadTx tx) -> tx.eventList(EventQuery.after(0, 100)))).extracting(Event::id)
          .containsExactly(doneCreated, doneRecent, archCreated, openOld, boardOld);
    }
  }

  // ---- links -------------------------------------------------------------------------------

  @Nested
  class Links {
    @BeforeEach
    void tasks() {
      insert(task("t_la").build(), task("t_lb").build(), task("t_lc").build(), task("t_ld").build(),
          task("t_le").build());
    }

    private void link(String parent, String child, long at) {
      write(tx -> {
        tx.linkInsert(new Link(parent, child, at));
        return null;
      });
    }

    @Test
    void linkParentsAndLinkChildrenSeeAnInsertedLinkFromBothEnds() {
      link("t_la", "t_lb", T0 + 1);
      link("t_lc", "t_lb", T0 + 2);

      assertThat(read((ReadTx tx) -> tx.linkParents("t_lb")))
          .containsExactly(new Link("t_la", "t_lb", T0 + 1), new Link("t_lc", "t_lb", T0 + 2));
      assertThat(read((ReadTx tx) -> tx.linkChildren("t_la"))).containsExactly(new Link("t_la", "t_lb", T0 + 1));
      assertThat(read((ReadTx tx) -> tx.linkChildren("t_lb"))).isEmpty();
    }

    @Test
    void theSameLinkTwiceIsAConflict() {
      link("t_la", "t_lb", T0);

      assertConflict(() -> link("t_la", "t_lb", T0 + 1));
    }

    @Test
    void linkDeleteRemovesOnlyThatLinkAndSaysWhetherItExisted() {
      link("t_la", "t_lb", T0);
      link("t_la", "t_lc", T0);

      assertThat(write((WriteTx tx) -> tx.linkDelete("t_la", "t_lb"))).isTrue();
      assertThat(write((WriteTx tx) -> tx.linkDelete("t_la", "t_lb"))).isFalse();
      assertThat(read((ReadTx tx) -> tx.linkChildren("t_la"))).extracting(Link::childId).containsExactly("t_lc");
    }

    @Test
    void linkListTouchingReturnsEveryLinkOfTheGivenTasksOnce() {
      link("t_la", "t_lb", T0 + 1);
      link("t_lb", "t_lc", T0 + 2);
      link("t_ld", "t_le", T0 + 3);

      assertThat(read((ReadTx tx) -> tx.linkListTouching(List.of("t_lb", "t_lc"))))
          .containsExactly(new Link("t_la", "t_lb", T0 + 1), new Link("t_lb", "t_lc", T0 + 2));
      assertThat(read((ReadTx tx) -> tx.linkListTouching(List.of()))).isEmpty();
    }

    @Test
    void linkPathExistsFollowsAChainFromParentToChildOnly() {
      link("t_la", "t_lb", T0);
      link("t_lb", "t_lc", T0);
      link("t_lc", "t_ld", T0);

      assertThat(read((ReadTx tx) -> tx.linkPathExists("t_la", "t_ld"))).isTrue();
      assertThat(read((ReadTx tx) -> tx.linkPathExists("t_lb", "t_ld"))).isTrue();
      assertThat(read((ReadTx tx) -> tx.linkPathExists("t_ld", "t_la"))).isFalse();
      assertThat(read((ReadTx tx) -> tx.linkPathExists("t_la", "t_le"))).isFalse();
    }
  }

  // ---- board metadata ----------------------------------------------------------------------

  @Nested
  class Meta {
    @Test
    void metaPutStoresAValueAndOverwritesIt() {
      assertThat(read((ReadTx tx) -> tx.metaGet("slug"))).isEmpty();

      write(tx -> {
        tx.metaPut("slug", "first");
        return null;
      });
      write(tx -> {
        tx.metaPut("slug", "second");
        return null;
      });

      assertThat(read((ReadTx tx) -> tx.metaGet("slug"))).contains("second");
    }
  }

  // ---- runs --------------------------------------------------------------------------------

  @Nested
  class Runs {
    @BeforeEach
    void tasks() {
      insert(task("t_r1").build(), task("t_r2").build(), task("t_r3").build());
    }

    @Test
    void anInsertedRunIsReadBackWithItsNewIdAndEveryField() {
      Run run = new Run(0, "t_r1", Status.REVIEW, "reviewer", "gateway@h", "hash", T0 + 60_000, 60_000L, T0,
          "host-1", 4242L, T0 - 5, "/tmp/ws", 90_000L, T0, null, null, null, null, null, null);

      Run inserted = write(tx -> tx.runInsert(run));

      assertThat(inserted.id()).isPositive();
      assertThat(inserted).isEqualTo(run.withId(inserted.id()));
      assertThat(read((ReadTx tx) -> tx.runGet(inserted.id()))).contains(inserted);
    }

    @Test
    void runIdsIncreaseAndRunListIsOldestFirst() {
      Run a = endedRun("t_r1", "coder", RunEnd.crashed(1, "boom"), T0);
      Run b = endedRun("t_r2", "coder", RunEnd.crashed(1, "boom"), T0);
      Run c = endedRun("t_r1", "coder", RunEnd.completed("ok", null), T0 + 1);

      assertThat(b.id()).isGreaterThan(a.id());
      assertThat(c.id()).isGreaterThan(b.id());
      assertThat(read((ReadTx tx) -> tx.runList("t_r1"))).containsExactly(a, c);
    }

    @Test
    void runUpdateIfOpenReplacesAnOpenRun() {
      Run run = claim("t_r1", "coder", T0 + 1000);
      Run working = run.withWorker("host-2", 77, T0 + 3, "/ws/t_r1").heartbeat(T0 + 500);

      write(tx -> {
        tx.runUpdateIfOpen(working);
        return null;
      });
      Run closed = working.closed(RunEnd.completed("done", "{\"lines\":3}"), T0 + 900);
      write(tx -> {
        tx.runUpdateIfOpen(closed);
        return null;
      });

      assertThat(read((ReadTx tx) -> tx.runGet(run.id()))).contains(closed);
    }

    @Test
    void runUpdateIfOpenOnAClosedRunIsAConflictAndChangesNothing() {
      Run run = claim("t_r1", "coder", T0 + 1000);
      Run closed = run.closed(RunEnd.reclaimed("lease expired"), T0 + 2000);
      write(tx -> {
        tx.runUpdateIfOpen(closed);
        return null;
      });

      assertConflict(() -> write(tx -> {
        tx.runUpdateIfOpen(run.heartbeat(T0 + 3000));
        return null;
      }));
      assertConflict(() -> write(tx -> {
        tx.runUpdateIfOpen(run.closed(RunEnd.completed("late", null), T0 + 3000));
        return null;
      }));
      assertThat(read((ReadTx tx) -> tx.runGet(run.id()))).contains(closed);
    }

    @Test
    void aSecondOpenRunForOneTaskIsRefusedByTheStore() {
      Run first = claim("t_r1", "coder", T0 + 1000);

      assertConflict(() -> write(tx -> tx.runInsert(Run.opened("t_r1", Status.READY, "coder", "other", "h", 1000, null, T0))));
      assertThat(read((ReadTx tx) -> tx.runList("t_r1"))).containsExactly(first);
    }

    @Test
    void aClosedRunFreesTheTaskForTheNextOpenRun() {
      Run first = claim("t_r1", "coder", T0 + 1000);
      write(tx -> {
        tx.runUpdateIfOpen(first.closed(RunEnd.crashed(1, "segfault"), T0 + 10));
        return null;
      });

      Run second = write(tx -> tx.runInsert(Run.opened("t_r1", Status.READY, "coder", "gw", "h", 1000, null, T0 + 20)));

      assertThat(read((ReadTx tx) -> tx.runList("t_r1"))).extracting(Run::id).containsExactly(first.id(), second.id());
    }

    @Test
    void aRunOfAnUnknownTaskIsAConflict() {
      assertConflict(() -> write(tx -> tx.runInsert(Run.opened("t_nope", Status.READY, "a", "b", "h", 1000, null, T0))));
    }

    @Test
    void runListLeaseExpiredReturnsOpenRunsWhoseLeaseEndedBeforeNowEarliestFirst() {
      Run late = claim("t_r1", "coder", T0 + 300);
      Run early = claim("t_r2", "coder", T0 + 100);
      Run atNow = claim("t_r3", "coder", T0 + 500);
      insert(task("t_r4").build());
      Run closedLongAgo = claim("t_r4", "coder", T0 + 50);
      write(tx -> {
        tx.runUpdateIfOpen(closedLongAgo.closed(RunEnd.completed(null, null), T0 + 60));
        return null;
      });

      assertThat(read((ReadTx tx) -> tx.runListLeaseExpired(T0 + 500, 10))).extracting(Run::id)
          .containsExactly(early.id(), late.id())
          .doesNotContain(atNow.id());
      assertThat(read((ReadTx tx) -> tx.runListLeaseExpired(T0 + 500, 1))).extracting(Run::id).containsExactly(early.id());
    }

    @Test
    void runCountSinceCountsOneTasksRunsWithThatOutcomeEndedAtOrAfterTheTime() {
      endedRun("t_r1", "coder", RunEnd.rateLimited("429"), T0);
      endedRun("t_r1", "coder", RunEnd.rateLimited("429"), T0 + 10);
      endedRun("t_r1", "coder", RunEnd.rateLimited("429"), T0 + 20);
      endedRun("t_r1", "coder", RunEnd.crashed(1, "boom"), T0 + 20);
      endedRun("t_r2", "coder", RunEnd.rateLimited("429"), T0 + 20);

      assertThat(read((ReadTx tx) -> tx.runCountSince("t_r1", RunOutcome.RATE_LIMITED, T0 + 10))).isEqualTo(2);
      assertThat(read((ReadTx tx) -> tx.runCountSince("t_r3", RunOutcome.RATE_LIMITED, T0))).isZero();
    }

    @Test
    void runListRecentCompletedReturnsTheAssigneesCompletedRunsOnOtherTasksNewestFirst() {
      Run older = endedRun("t_r1", "coder", RunEnd.completed("one", null), T0 + 10);
      Run newer = endedRun("t_r2", "coder", RunEnd.completed("two", null), T0 + 20);
      endedRun("t_r3", "coder", RunEnd.completed("excluded task", null), T0 + 30);
      endedRun("t_r1", "coder", RunEnd.crashed(1, "not completed"), T0 + 40);
      endedRun("t_r2", "writer", RunEnd.completed("other assignee", null), T0 + 50);

      assertThat(read((ReadTx tx) -> tx.runListRecentCompleted("coder", "t_r3", 10))).extracting(Run::id)
          .containsExactly(newer.id(), older.id());
      assertThat(read((ReadTx tx) -> tx.runListRecentCompleted("coder", "t_r3", 1))).extracting(Run::id)
          .containsExactly(newer.id());
    }

    @Test
    void runCountByOutcomeCountsEndedRunsOnly() {
      claim("t_r1", "coder", T0 + 100);
      endedRun("t_r2", "coder", RunEnd.completed(null, null), T0);
      endedRun("t_r2", "coder", RunEnd.completed(null, null), T0);
      endedRun("t_r3", "coder", RunEnd.crashed(2, "boom"), T0);

      assertThat(read(ReadTx::runCountByOutcome))
          .containsExactlyInAnyOrderEntriesOf(Map.of(RunOutcome.COMPLETED, 2, RunOutcome.CRASHED, 1));
    }
  }

  // ---- tasks -------------------------------------------------------------------------------

  @Nested
  class Tasks {
    @Test
    void anInsertedTaskIsReadBackExactly() {
      Task full = fullTask("t_full");
      Task plain = task("t_plain").build();

      insert(full, plain);

      assertThat(get("t_full")).isEqualTo(full);
      assertThat(get("t_plain")).isEqualTo(plain);
      assertThat(read((ReadTx tx) -> tx.taskGet("t_missing"))).isEmpty();
    }

    @Test
    void aRunningTaskIsReadBackWithItsCurrentRun() {
      insert(task("t_run").build());

      Run run = claim("t_run", "coder", T0 + 100);

      assertThat(get("t_run").status()).isEqualTo(Status.RUNNING);
      assertThat(get("t_run").currentRunId()).isEqualTo(run.id());
    }

    @Test
    void aSecondTaskWithTheSameIdIsAConflict() {
      insert(task("t_dup").title("first").build());

      assertConflict(() -> insert(task("t_dup").title("second").build()));
      assertThat(get("t_dup").title()).isEqualTo("first");
    }

    @Test
    void taskUpdateWritesEveryFieldAndIncrementsTheVersion() {
      insert(task("t_up").build());
      Task next = fullTask("t_up").toBuilder().version(0).build();

      Task returned = write(tx -> tx.taskUpdate(next));

      assertThat(returned).isEqualTo(next.toBuilder().version(1).build());
      assertThat(get("t_up")).isEqualTo(returned);
      Task again = write(tx -> tx.taskUpdate(returned.toBuilder().title("again").build()));
      assertThat(again.version()).isEqualTo(2);
      assertThat(get("t_up").version()).isEqualTo(2);
    }

    @Test
    void taskUpdateWithAStaleVersionIsAConflictAndTheWholeWriteIsUndone() {
      insert(task("t_cas").build());
      Task v0 = get("t_cas");
      write(tx -> tx.taskUpdate(v0.toBuilder().title("winner").build()));
      long eventsBefore = read(ReadTx::eventMaxId);

      assertConflict(() -> write(tx -> {
        tx.eventAppend(new Event(0, "t_cas", null, EventKind.EDITED, "loser", null, T0));
        tx.commentInsert(new Comment(0, "t_cas", "loser", "written before the lost update", T0));
        return tx.taskUpdate(v0.toBuilder().title("loser").build());
      }));

      assertThat(get("t_cas").title()).isEqualTo("winner");
      assertThat(get("t_cas").version()).isEqualTo(1);
      assertThat(read(ReadTx::eventMaxId)).isEqualTo(eventsBefore);
      assertThat(read((ReadTx tx) -> tx.commentCount("t_cas"))).isZero();
    }

    @Test
    void taskUpdateOfADeletedTaskIsAConflict() {
      insert(task("t_gone").build());
      Task t = get("t_gone");
      write(tx -> {
        tx.taskDelete("t_gone");
        return null;
      });

      assertConflict(() -> write(tx -> tx.taskUpdate(t.toBuilder().title("back").build())));
      assertThat(read((ReadTx tx) -> tx.taskGet("t_gone"))).isEmpty();
    }

    @Test
    void aWriteSeesItsOwnChangesBeforeItCommits() {
      String seen = write(tx -> {
        tx.taskInsert(task("t_own").build());
        Task t = tx.taskGet("t_own").orElseThrow();
        tx.taskUpdate(t.toBuilder().title("renamed").build());
        return tx.taskGet("t_own").orElseThrow().title();
      });

      assertThat(seen).isEqualTo("renamed");
    }

    @Test
    void taskStatusesReturnsTheStatusesOfKnownIdsOnly() {
      insert(task("t_s1").build(), task("t_s2").status(Status.DONE).build());

      assertThat(read((ReadTx tx) -> tx.taskStatuses(List.of("t_s1", "t_s2", "t_unknown"))))
          .containsExactlyInAnyOrderEntriesOf(Map.of("t_s1", Status.READY, "t_s2", Status.DONE));
      assertThat(read((ReadTx tx) -> tx.taskStatuses(List.of()))).isEmpty();
    }

    @Test
    void taskCountsGroupByStatusAndByAssigneeWithoutArchivedTasks() {
      insert(task("t_c1").assignee("coder").build(),
          task("t_c2").assignee("coder").status(Status.DONE).build(),
          task("t_c3").assignee("writer").status(Status.ARCHIVED).build(),
          task("t_c4").status(Status.TRIAGE).build());

      assertThat(read(ReadTx::taskCountByStatus)).containsExactlyInAnyOrderEntriesOf(
          Map.of(Status.READY, 1, Status.DONE, 1, Status.ARCHIVED, 1, Status.TRIAGE, 1));
      assertThat(read(ReadTx::taskCountByAssignee)).containsExactlyInAnyOrderEntriesOf(
          Map.of("coder", 2, "", 1));
    }

    @Test
    void taskOldestReadySinceIsTheEarliestUpdateAmongReadyTasks() {
      assertThat(read(ReadTx::taskOldestReadySince)).isEmpty();

      insert(task("t_o1").updatedAt(T0 + 30).build(), task("t_o2").updatedAt(T0 + 20).build(),
          task("t_o3").status(Status.BLOCKED).updatedAt(T0 + 10).build());

      assertThat(read(ReadTx::taskOldestReadySince)).contains(T0 + 20);
    }

    @Test
    void taskListDueScheduledReturnsScheduledTasksDueAtOrBeforeNowEarliestFirst() {
      insert(task("t_due2").status(Status.SCHEDULED).scheduledAt(T0 + 20).build(),
          task("t_due1").status(Status.SCHEDULED).scheduledAt(T0 + 10).build(),
          task("t_later").status(Status.SCHEDULED).scheduledAt(T0 + 31).build(),
          task("t_ready").scheduledAt(T0).build());

      assertThat(ids(read((ReadTx tx) -> tx.taskListDueScheduled(T0 + 30, 10)))).containsExactly("t_due1", "t_due2");
      assertThat(ids(read((ReadTx tx) -> tx.taskListDueScheduled(T0 + 20, 1)))).containsExactly("t_due1");
    }

    @Test
    void taskDeleteRemovesTheTaskWithItsRunsLinksCommentsEventsAndAttachments() {
      insert(task("t_del").build(), task("t_parent").build(), task("t_child").build());
      Run run = claim("t_del", "coder", T0 + 100);
      long attachment = write(tx -> {
        tx.linkInsert(new Link("t_parent", "t_del", T0));
        tx.linkInsert(new Link("t_del", "t_child", T0));
        tx.commentInsert(new Comment(0, "t_del", "alice", "hi", T0));
        tx.eventAppend(new Event(0, "t_del", run.id(), EventKind.CLAIMED, "gw", null, T0));
        return tx.attachmentInsert(new Attachment(0, "t_del", "a.txt", "s", null, 1, null, null, T0));
      });
      long keptEvent = event("t_parent", EventKind.CREATED, T0);

      write(tx -> {
        tx.taskDelete("t_del");
        return null;
      });

      read(tx -> {
        assertThat(tx.taskGet("t_del")).isEmpty();
        assertThat(tx.runGet(run.id())).isEmpty();
        assertThat(tx.runList("t_del")).isEmpty();
        assertThat(tx.linkChildren("t_parent")).isEmpty();
        assertThat(tx.linkParents("t_child")).isEmpty();
        assertThat(tx.commentCount("t_del")).isZero();
        assertThat(tx.eventList(EventQuery.after(0, 100))).extracting(Event::id).containsExactly(keptEvent);
        assertThat(tx.attachmentGet(attachment)).isEmpty();
        assertThat(tx.taskGet("t_parent")).isPresent();
        assertThat(tx.taskGet("t_child")).isPresent();
        return null;
      });
    }
  }

  // ---- dedupe slots ------------------------------------------------------------------------

  @Nested
  class DedupeSlots {
    @Test
    void taskIdByDedupeSlotFindsTheTaskHoldingTheKey() {
      insert(task("t_k1").idempotencyKey("nightly").build(), task("t_k2").build());

      assertThat(write((WriteTx tx) -> tx.taskIdByDedupeSlot("nightly"))).contains("t_k1");
      assertThat(write((WriteTx tx) -> tx.taskIdByDedupeSlot("other"))).isEmpty();
    }

    @Test
    void twoOpenTasksCannotHoldTheSameKey() {
      insert(task("t_k1").idempotencyKey("nightly").build());

      assertConflict(() -> insert(task("t_k2").idempotencyKey("nightly").build()));
      assertThat(read((ReadTx tx) -> tx.taskGet("t_k2"))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Status.class, names = {"DONE", "ARCHIVED"})
    void anOpenScopedTaskThatFinishesFreesItsSlot(Status finished) {
      insert(task("t_k1").idempotencyKey("nightly").build());
      write(tx -> tx.taskUpdate(tx.taskGet("t_k1").orElseThrow().toBuilder().status(finished).build()));

      assertThat(write((WriteTx tx) -> tx.taskIdByDedupeSlot("nightly"))).isEmpty();
      insert(task("t_k2").idempotencyKey("nightly").build());
      assertThat(write((WriteTx tx) -> tx.taskIdByDedupeSlot("nightly"))).contains("t_k2");
    }

    @Test
    void aLifetimeScopedTaskKeepsItsSlotAfterItIsDone() {
      insert(task("t_k1").idempotencyKey("once").dedupeScope(DedupeScope.LIFETIME).build());
      write(tx -> tx.taskUpdate(tx.taskGet("t_k1").orElseThrow().toBuilder().status(Status.DONE).build()));

      assertThat(write((WriteTx tx) -> tx.taskIdByDedupeSlot("once"))).contains("t_k1");
      assertConflict(() -> insert(task("t_k2").idempotencyKey("once").build()));
    }
  }

  // ---- task lists --------------------------------------------------------------------------

  @Nested
  class TaskLists {
    /** Four tasks that every sort puts in a different order. */
    @BeforeEach
    void tasks() {
      insert(
          Task.builder("t_a", "banana", T0 + 1).updatedAt(T0 + 40).priority(0).assignee("bob").tenant("acme").build(),
          Task.builder("t_b", "Apple", T0 + 2).updatedAt(T0 + 10).priority(5).status(Status.TODO).build(),
          Task.builder("t_c", "cherry", T0 + 3).updatedAt(T0 + 30).priority(5).status(Status.BLOCKED)
              .assignee("alice").tenant("acme").build(),
          Task.builder("t_d", "apricot", T0 + 4).updatedAt(T0 + 20).priority(-1).assignee("alice").build(),
          Task.builder("t_z", "archived", T0 + 5).status(Status.ARCHIVED).assignee("alice").build());
    }

    private List<String> list(Set<Status> statuses, String assignee, String tenant, boolean archived, int limit, TaskSort sort) {
      return ids(read(tx -> tx.taskList(new TaskQuery(statuses, assignee, tenant, archived, limit, sort))));
    }

    @ParameterizedTest
    @EnumSource(TaskSort.class)
    void everySortOrdersTheTasksAsDocumented(TaskSort sort) {
      List<String> expected = switch (sort) {
        case PRIORITY -> List.of("t_b", "t_c", "t_a", "t_d");
        case PRIORITY_ASC -> List.of("t_d", "t_a", "t_b", "t_c");
        case CREATED -> List.of("t_a", "t_b", "t_c", "t_d");
        case CREATED_DESC -> List.of("t_d", "t_c", "t_b", "t_a");
        case UPDATED -> List.of("t_b", "t_d", "t_c", "t_a");
        case UPDATED_DESC -> List.of("t_a", "t_c", "t_d", "t_b");
        case STATUS -> List.of("t_b", "t_a", "t_d", "t_c");
        case ASSIGNEE -> List.of("t_c", "t_d", "t_a", "t_b");
        case TITLE -> List.of("t_b", "t_d", "t_a", "t_c");
      };

      assertThat(list(Set.of(), null, null, false, 100, sort)).containsExactlyElementsOf(expected);
    }

    @Test
    void withoutStatusesEverythingButArchivedIsListedUnlessArchivedIsIncluded() {
      assertThat(list(Set.of(), null, null, false, 100, TaskSort.CREATED)).containsExactly("t_a", "t_b", "t_c", "t_d");
      assertThat(list(Set.of(), null, null, true, 100, TaskSort.CREATED))
          .containsExactly("t_a", "t_b", "t_c", "t_d", "t_z");
    }

    @Test
    void statusesAssigneeAndTenantFilterTogether() {
      assertThat(list(Set.of(Status.READY, Status.BLOCKED), null, null, false, 100, TaskSort.CREATED))
          .containsExactly("t_a", "t_c", "t_d");
      assertThat(list(Set.of(), "alice", null, false, 100, TaskSort.CREATED)).containsExactly("t_c", "t_d");
      assertThat(list(Set.of(), null, "acme", false, 100, TaskSort.CREATED)).containsExactly("t_a", "t_c");
      assertThat(list(Set.of(Status.READY), "alice", null, false, 100, TaskSort.CREATED)).containsExactly("t_d");
      assertThat(list(Set.of(Status.ARCHIVED), null, null, false, 100, TaskSort.CREATED)).containsExactly("t_z");
      assertThat(list(Set.of(Status.REVIEW), null, null, true, 100, TaskSort.CREATED)).isEmpty();
    }

    @Test
    void theLimitCutsTheSortedList() {
      assertThat(list(Set.of(), null, null, false, 2, TaskSort.PRIORITY)).containsExactly("t_b", "t_c");
      assertThat(ids(read((ReadTx tx) -> tx.taskList(TaskQuery.byStatus(Status.READY, 1))))).containsExactly("t_a");
    }
  }

  // ---- transactions ------------------------------------------------------------------------

  @Nested
  class Transactions {
    @Test
    void aWriteWhoseWorkThrowsLeavesNothingBehindAndRethrowsTheSameException() {
      IllegalStateException boom = new IllegalStateException("boom");

      Throwable thrown = catchThrowable(() -> write(tx -> {
        tx.taskInsert(task("t_tx").build());
        tx.eventAppend(new Event(0, "t_tx", null, EventKind.CREATED, "x", null, T0));
        tx.metaPut("half", "done");
        throw boom;
      }));

      assertThat(thrown).isSameAs(boom);
      assertThat(read((ReadTx tx) -> tx.taskGet("t_tx"))).isEmpty();
      assertThat(read(ReadTx::eventMaxId)).isZero();
      assertThat(read((ReadTx tx) -> tx.metaGet("half"))).isEmpty();
    }

    @Test
    void theStoreKeepsWorkingAfterAFailedWrite() {
      assertThatThrownBy(() -> write(tx -> {
        tx.taskInsert(task("t_tx").build());
        throw KanbanException.refused("no");
      })).isInstanceOf(KanbanException.class).hasMessage("no");

      insert(task("t_tx").title("second try").build());

      assertThat(get("t_tx").title()).isEqualTo("second try");
    }

    @Test
    void aReadSeesOneSnapshotWhileAWriteCommitsDuringIt() throws Exception {
      insert(task("t_snap").title("before").build());
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        List<Object> seen = read(tx -> {
          String titleBefore = tx.taskGet("t_snap").orElseThrow().title();
          int readyBefore = tx.taskCountByStatus().getOrDefault(Status.READY, 0);
          await(CompletableFuture.runAsync(() -> write(w -> {
            w.taskUpdate(w.taskGet("t_snap").orElseThrow().toBuilder().title("after").build());
            w.taskInsert(task("t_snap2").build());
            return null;
          }), other));
          return List.of(titleBefore, readyBefore, tx.taskGet("t_snap").orElseThrow().title(),
              tx.taskCountByStatus().getOrDefault(Status.READY, 0), tx.taskGet("t_snap2").isPresent());
        });

        assertThat(seen).containsExactly("before", 1, "before", 1, false);
        assertThat(get("t_snap").title()).isEqualTo("after");
        assertThat(get("t_snap2")).isNotNull();
      } finally {
        other.shutdownNow();
      }
    }

    @Test
    void aSecondStoreOnTheSameBoardSeesCommittedWrites() {
      insert(task("t_shared").build());
      BoardStore again = track(sameBoardAgain());

      assertThat(again.read((ReadTx tx) -> tx.taskGet("t_shared"))).isPresent();
      again.write(tx -> tx.taskUpdate(tx.taskGet("t_shared").orElseThrow().toBuilder().title("from the other").build()));

      assertThat(get("t_shared").title()).isEqualTo("from the other");
    }

    @Test
    void aSecondStoreLosesTheCompareAndSwapAgainstAStaleVersion() {
      insert(task("t_race").build());
      BoardStore again = track(sameBoardAgain());
      Task seenByBoth = get("t_race");

      again.write(tx -> tx.taskUpdate(seenByBoth.toBuilder().title("first").build()));

      assertConflict(() -> write(tx -> tx.taskUpdate(seenByBoth.toBuilder().title("second").build())));
      assertThat(again.read((ReadTx tx) -> tx.taskGet("t_race")).orElseThrow().title()).isEqualTo("first");
    }

    private static void await(CompletableFuture<?> f) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("the concurrent write did not commit", e);
      }
    }
  }
}
