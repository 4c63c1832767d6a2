package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.BLOCKED;
import static org.agentkanban.domain.EventKind.BLOCK_LOOP_DETECTED;
import static org.agentkanban.domain.EventKind.CLAIMED;
import static org.agentkanban.domain.EventKind.COMPLETED;
import static org.agentkanban.domain.EventKind.DEPENDENCY_WAIT;
import static org.agentkanban.domain.EventKind.UNBLOCKED;
import static org.assertj.core.api.Assertions.assertThat;

import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.Test;

class BlockingTest extends BoardTestBase {

  /** Claims the task and blocks it through its worker; returns the task after the block. */
  private Task claimAndBlock(String id, BlockKind kind) {
    Claim c = claim(id);
    return board.block(id, "blocked as " + kind, kind, worker(c)).task();
  }

  @Test
  void blockingARunningTaskClosesItsRunAsBlocked() {
    String id = create("t");
    Claim c = claim(id);
    forgetEvents();

    Task t = board.block(id, "need the API key", BlockKind.NEEDS_INPUT, worker(c)).task();

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.currentRunId()).isNull();
    assertThat(t.blockReason()).isEqualTo("need the API key");
    assertThat(t.blockKind()).isEqualTo(BlockKind.NEEDS_INPUT);
    assertThat(t.blockRecurrences()).isEqualTo(1);
    assertThat(run(id, c.run().id()).outcome()).isEqualTo(RunOutcome.BLOCKED);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(BLOCKED);
    assertThat(events.get(0).runId()).isEqualTo(c.run().id());
    assertThat(events.get(0).payload()).contains("\"kind\":\"needs_input\"").contains("\"source_status\":\"running\"");
  }

  @Test
  void aReadyTaskCanBeBlockedByAPersonWithoutARun() {
    String id = create("t");

    assertThat(board.block(id, "on hold", null, ALICE).task().status()).isEqualTo(Status.BLOCKED);
    assertThat(runs(id)).isEmpty();
  }

  @Test
  void aDependencyBlockSendsTheTaskToTodoOnlyWithAnUnfinishedParent() {
    String parent = create("parent");
    String id = create("t");
    Claim c = claim(id);
    board.link(parent, id, ALICE);
    forgetEvents();

    Task t = board.block(id, "waits for parent", BlockKind.DEPENDENCY, worker(c)).task();

    assertThat(t.status()).isEqualTo(Status.TODO);
    assertThat(t.blockRecurrences()).isZero();
    assertThat(newEvents()).containsExactly(DEPENDENCY_WAIT);
  }

  @Test
  void aDependencyBlockWithoutAnUnfinishedParentIsRefused() {
    String id = create("t");
    Claim c = claim(id);
    Task before = task(id);

    var e = refused(ErrorKind.REFUSED, () -> board.block(id, "waits", BlockKind.DEPENDENCY, worker(c)));

    assertThat(e.getMessage()).contains("it has no unfinished parent to wait for");
    assertThat(task(id)).isEqualTo(before);
    assertThat(run(id, c.run().id()).isOpen()).isTrue();
  }

  @Test
  void theSameKindTwiceInARowSendsTheTaskToTriage() {
    String id = create("t");
    claimAndBlock(id, BlockKind.CAPABILITY);
    board.unblock(id, "try again", ALICE);
    forgetEvents();

    Task t = claimAndBlock(id, BlockKind.CAPABILITY);

    assertThat(t.status()).isEqualTo(Status.TRIAGE);
    assertThat(t.blockRecurrences()).isEqualTo(2);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(CLAIMED, BLOCK_LOOP_DETECTED);
    assertThat(events.get(1).payload()).contains("\"limit\":2").contains("\"recurrences\":2");
  }

  @Test
  void twoGenericBlocksInARowAreALoopToo() {
    String id = create("t");
    board.block(id, "hold", null, ALICE);
    board.unblock(id, null, ALICE);

    assertThat(board.block(id, "hold again", null, ALICE).task().status()).isEqualTo(Status.TRIAGE);
  }

  @Test
  void aDifferentKindRestartsTheCount() {
    String id = create("t");
    claimAndBlock(id, BlockKind.NEEDS_INPUT);
    board.unblock(id, null, ALICE);

    Task t = claimAndBlock(id, BlockKind.TRANSIENT);

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.blockKind()).isEqualTo(BlockKind.TRANSIENT);
    assertThat(t.blockRecurrences()).isEqualTo(1);
  }

  @Test
  void theBlockKindSurvivesUnblockAndIsClearedByCompletion() {
    String id = create("t");
    claimAndBlock(id, BlockKind.NEEDS_INPUT);

    Task unblocked = board.unblock(id, "answered", ALICE).task();
    assertThat(unblocked.blockKind()).isEqualTo(BlockKind.NEEDS_INPUT);
    assertThat(unblocked.blockRecurrences()).isEqualTo(1);
    assertThat(unblocked.blockReason()).isNull();

    Claim c = claim(id);
    Task done = board.complete(id, "done", null, false, worker(c)).task();
    assertThat(done.status()).isEqualTo(Status.DONE);
    assertThat(done.blockKind()).isNull();
    assertThat(done.blockRecurrences()).isZero();
  }

  @Test
  void unblockingPutsTheTaskBackInLineAndResetsTheFailureCounters() {
    String id = create("t");
    Claim first = claim(id);
    board.endRun(id, first.run().id(), RunEnd.crashed(1, "segfault"), GATEWAY);
    board.endRun(id, claim(id).run().id(), RunEnd.protocolViolation("exit 0, no complete"), GATEWAY);
    claimAndBlock(id, BlockKind.NEEDS_INPUT);
    Task blocked = task(id);
    assertThat(blocked.consecutiveFailures()).isEqualTo(1);
    assertThat(blocked.protocolViolations()).isEqualTo(1);
    assertThat(blocked.lastFailureError()).isNotNull();
    forgetEvents();

    Task t = board.unblock(id, "fixed the env", ALICE).task();

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.consecutiveFailures()).isZero();
    assertThat(t.protocolViolations()).isZero();
    assertThat(t.lastFailureError()).isNull();
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(UNBLOCKED);
    assertThat(events.get(0).payload()).contains("\"reason\":\"fixed the env\"").contains("\"from\":\"blocked\"");
  }

  @Test
  void unblockingATaskBlockedFromAReviewRunReturnsItToReview() {
    String id = create("t");
    board.requestReview(id, null, null, null, ALICE);
    claimAndBlock(id, BlockKind.NEEDS_INPUT);

    assertThat(board.unblock(id, null, ALICE).task().status()).isEqualTo(Status.REVIEW);
  }

  @Test
  void onlyBlockedAndScheduledTasksCanBeUnblocked() {
    String id = create("t");

    var e = refused(ErrorKind.REFUSED, () -> board.unblock(id, null, ALICE));

    assertThat(e.getMessage()).isEqualTo("cannot unblock " + id + ": it is ready; unblock applies to blocked or scheduled tasks");
  }

  @Test
  void blockingADoneTaskIsRefused() {
    String id = create("t");
    board.complete(id, null, null, false, ALICE);

    refused(ErrorKind.REFUSED, () -> board.block(id, "no", null, ALICE));
  }

  @Test
  void aBlockedTaskCanBeCompletedByAPerson() {
    String id = create("t");
    claimAndBlock(id, null);
    forgetEvents();

    assertThat(board.complete(id, "did it by hand", null, false, ALICE).task().status()).isEqualTo(Status.DONE);
    assertThat(newEvents()).containsExactly(COMPLETED);
    assertThat(lastRun(id).outcome()).isEqualTo(RunOutcome.COMPLETED);
    assertThat(lastRun(id).summary()).isEqualTo("did it by hand");
  }

  @Test
  void aBreakerTripKeepsTheStoredBlockKindSoTheNextGenericBlockIsNoLoop() {
    String id = create("t");
    claimAndBlock(id, BlockKind.NEEDS_INPUT);
    board.unblock(id, null, ALICE);
    for (int i = 0; i < 3; i++) {
      board.endRun(id, claim(id).run().id(), RunEnd.crashed(1, "crash"), GATEWAY);
    }
    Task gaveUp = task(id);
    assertThat(gaveUp.status()).isEqualTo(Status.BLOCKED);
    assertThat(gaveUp.blockKind()).isEqualTo(BlockKind.NEEDS_INPUT);
    assertThat(gaveUp.blockRecurrences()).isEqualTo(1);
    board.unblock(id, "fixed the crash", ALICE);

    Task t = claimAndBlock(id, null);

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.blockKind()).isNull();
    assertThat(t.blockRecurrences()).isEqualTo(1);
  }

  @Test
  void aCrashDoesNotCountAsABlock() {
    String id = create("t");
    claimAndBlock(id, BlockKind.TRANSIENT);
    board.unblock(id, null, ALICE);
    board.endRun(id, claim(id).run().id(), RunEnd.crashed(137, "killed"), GATEWAY);
    forgetEvents();

    Task t = claimAndBlock(id, BlockKind.TRANSIENT);

    assertThat(t.status()).isEqualTo(Status.TRIAGE);
    assertThat(newEvents()).containsExactly(CLAIMED, BLOCK_LOOP_DETECTED);
  }
}
