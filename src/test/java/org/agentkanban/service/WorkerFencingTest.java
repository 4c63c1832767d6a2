package org.agentkanban.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.testkit.TempHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fencing of the verbs a worker may use beyond its own task: create, link and comments elsewhere. */
class WorkerFencingTest {
  @TempDir Path dir;
  private LocalBoardService board;
  private final Actor alice = Actor.person("alice");
  private String own;
  private String other;
  private Actor worker;

  @BeforeEach
  void setUp() {
    board = new TempHome(dir).board();
    own = board.create(CreateTask.titled("own", alice)).view().id();
    other = board.create(CreateTask.titled("other", alice)).view().id();
    Claim claim = board.claim(own, 60_000, alice);
    worker = Actor.forRun("coder", claim.run().id(), claim.runToken());
  }

  @AfterEach
  void tearDown() {
    board.close();
  }

  @Test
  void aCurrentRunMayCommentOnAnotherTaskCreateAndLink() {
    assertThat(board.comment(other, "found a related bug", worker).author()).isEqualTo("coder");
    String child = board.create(CreateTask.titled("follow-up", worker)).view().id();
    assertThat(board.link(other, child, worker).parents()).containsExactly(other);
  }

  @Test
  void aReclaimedRunCanNeitherCreateNorLinkNorCommentElsewhere() {
    board.reclaim(own, "stuck", alice);
    assertConflict(() -> board.create(CreateTask.titled("late", worker)));
    assertConflict(() -> board.link(own, other, worker));
    assertConflict(() -> board.comment(other, "late", worker));
    assertThat(board.list(org.agentkanban.store.TaskQuery.all())).hasSize(2);
    assertThat(board.events(0, own, 100).stream().filter(e -> e.kind() == EventKind.STALE_WRITE_REJECTED))
        .hasSize(3);
  }

  @Test
  void aWrongTokenCannotCommentElsewhere() {
    Actor forged = Actor.forRun("coder", worker.runId(), "kr_forged");
    assertConflict(() -> board.comment(other, "forged", forged));
  }

  @Test
  void aWriteForARunThatNeverExistedIsAConflictAndIsRecorded() {
    Actor ghost = Actor.forRun("ghost", 999, null);
    assertConflict(() -> board.complete(own, null, null, false, ghost));
    assertConflict(() -> board.create(CreateTask.titled("ghost work", ghost)));
    assertThat(board.events(0, null, 1000).stream().map(Event::kind).filter(k -> k == EventKind.STALE_WRITE_REJECTED))
        .hasSize(2);
  }

  private static void assertConflict(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(KanbanException.class)
        .extracting(e -> ((KanbanException) e).kind()).isEqualTo(ErrorKind.CONFLICT);
  }
}
