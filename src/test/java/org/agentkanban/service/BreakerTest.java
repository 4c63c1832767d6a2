package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.CRASHED;
import static org.agentkanban.domain.EventKind.GAVE_UP;
import static org.agentkanban.domain.EventKind.PROTOCOL_VIOLATION;
import static org.agentkanban.domain.EventKind.RATE_LIMITED;
import static org.agentkanban.domain.EventKind.SPAWN_FAILED;
import static org.agentkanban.domain.EventKind.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.testkit.ManualClock;
import org.agentkanban.testkit.TempHome;
import org.junit.jupiter.api.Test;

/** endRun and the circuit breaker: what counts, when a task gives up, and what resets it. */
class BreakerTest extends BoardTestBase {

  /** Claims the task and ends the run with {@code end}; returns the task afterwards. */
  private Task fail(String id, RunEnd end) {
    Claim c = claim(id);
    return board.endRun(id, c.run().id(), end, GATEWAY).task();
  }

  private String taskWithMaxRetries(Integer n) {
    return create(with(titled("flaky"), null, false, null, n));
  }

  @Test
  void theFirstTwoCrashesSendTheTaskBackToReadyAndCount() {
    String id = create("flaky");

    for (int i = 1; i <= 2; i++) {
      Claim c = claim(id);
      forgetEvents();
      Task t = board.endRun(id, c.run().id(), RunEnd.crashed(1, "crash " + i), GATEWAY).task();

      assertThat(t.status()).isEqualTo(Status.READY);
      assertThat(t.consecutiveFailures()).isEqualTo(i);
      assertThat(t.lastFailureError()).isEqualTo("crash " + i);
      assertThat(run(id, c.run().id()).outcome()).isEqualTo(RunOutcome.CRASHED);
      assertThat(run(id, c.run().id()).exitCode()).isEqualTo(1);
      assertThat(newEvents()).containsExactly(CRASHED);
    }
  }

  @Test
  void theThirdConsecutiveCrashTripsTheBreaker() {
    String id = create("flaky");
    fail(id, RunEnd.crashed(1, "one"));
    fail(id, RunEnd.crashed(1, "two"));
    Claim third = claim(id);
    forgetEvents();

    Task t = board.endRun(id, third.run().id(), RunEnd.crashed(139, "segfault"), GATEWAY).task();

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.consecutiveFailures()).isEqualTo(3);
    assertThat(t.blockReason()).isEqualTo("gave up: 3 consecutive failures (max retries 2); last error: segfault");
    var run = run(id, third.run().id());
    assertThat(run.outcome()).isEqualTo(RunOutcome.GAVE_UP);
    assertThat(run.error()).as("the gave_up run keeps what triggered it").isEqualTo("crashed: segfault");
    assertThat(run.exitCode()).isEqualTo(139);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(CRASHED, GAVE_UP);
    assertThat(events.get(1).payload()).contains("\"trigger_outcome\":\"crashed\"");
  }

  @Test
  void timeoutsAndSpawnFailuresCountLikeCrashes() {
    String id = create("flaky");

    assertThat(fail(id, RunEnd.timedOut("ran 2h")).status()).isEqualTo(Status.READY);
    assertThat(fail(id, RunEnd.spawnFailed("no such binary")).status()).isEqualTo(Status.READY);
    forgetEvents();
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);
    assertThat(newEvents()).endsWith(CRASHED, GAVE_UP);
    assertThat(runs(id)).extracting(r -> r.outcome())
        .containsExactly(RunOutcome.TIMED_OUT, RunOutcome.SPAWN_FAILED, RunOutcome.GAVE_UP);
    assertThat(events(id)).extracting(Event::kind).contains(TIMED_OUT, SPAWN_FAILED);
  }

  @Test
  void aTaskWithZeroRetriesGivesUpOnItsFirstFailure() {
    String id = taskWithMaxRetries(0);

    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);
  }

  @Test
  void aTasksOwnMaxRetriesIsHonoured() {
    String id = taskWithMaxRetries(4);

    for (int i = 0; i < 4; i++) {
      assertThat(fail(id, RunEnd.crashed(1, "x")).status()).as("failure %d", i + 1).isEqualTo(Status.READY);
    }
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);
  }

  @Test
  void theBoardDefaultAppliesToTasksWithoutTheirOwn() {
    TempHome strict = new TempHome(dir.resolve("strict"), new ManualClock(),
        new ServiceSettings(0, ServiceSettings.ATTACHMENT_MAX_BYTES_DEFAULT), false);
    try (LocalBoardService b = strict.board()) {
      String id = b.create(titled("t")).view().id();
      Claim c = b.claim(id, LEASE, GATEWAY);

      assertThat(b.endRun(id, c.run().id(), RunEnd.crashed(1, "x"), GATEWAY).task().status()).isEqualTo(Status.BLOCKED);
    }
  }

  @Test
  void threeProtocolViolationsInARowBlockTheTask() {
    String id = create("forgetful");

    assertThat(fail(id, RunEnd.protocolViolation("exit 0 without complete")).status()).isEqualTo(Status.READY);
    assertThat(fail(id, RunEnd.protocolViolation("exit 0 without complete")).status()).isEqualTo(Status.READY);
    forgetEvents();
    Task t = fail(id, RunEnd.protocolViolation("exit 0 without complete"));

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.protocolViolations()).isEqualTo(3);
    assertThat(t.consecutiveFailures()).isZero();
    assertThat(newEvents()).containsExactly(org.agentkanban.domain.EventKind.CLAIMED, PROTOCOL_VIOLATION, GAVE_UP);
  }

  @Test
  void theProtocolViolationLimitIsMaxRetriesPlusOneWhenLower() {
    String id = taskWithMaxRetries(1);

    assertThat(fail(id, RunEnd.protocolViolation("x")).status()).isEqualTo(Status.READY);
    assertThat(fail(id, RunEnd.protocolViolation("x")).status()).isEqualTo(Status.BLOCKED);
  }

  @Test
  void aCrashInterruptsAProtocolViolationStreak() {
    String id = create("t");
    fail(id, RunEnd.protocolViolation("x"));
    fail(id, RunEnd.protocolViolation("x"));
    fail(id, RunEnd.crashed(1, "x"));

    Task t = fail(id, RunEnd.protocolViolation("x"));

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.protocolViolations()).isEqualTo(1);
  }

  @Test
  void rateLimitsAreRequeuedWithoutCountingAsFailures() {
    String id = create("busy");

    for (int i = 0; i < 20; i++) {
      Task t = fail(id, RunEnd.rateLimited("429"));
      assertThat(t.status()).isEqualTo(Status.READY);
      assertThat(t.consecutiveFailures()).isZero();
    }
    assertThat(runs(id)).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(RunOutcome.RATE_LIMITED));
    assertThat(events(id)).extracting(Event::kind).contains(RATE_LIMITED);
  }

  @Test
  void theTwentyFirstRateLimitWithinSixHoursBlocksTheTask() {
    String id = create("busy");
    for (int i = 0; i < 20; i++) {
      fail(id, RunEnd.rateLimited("429"));
      clock.advance(60_000);
    }
    forgetEvents();

    Task t = fail(id, RunEnd.rateLimited("429 again"));

    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.blockReason()).startsWith("gave up: 21 rate-limit requeues within 6 hours");
    assertThat(newEvents()).endsWith(RATE_LIMITED, GAVE_UP);
  }

  @Test
  void rateLimitsOlderThanSixHoursNoLongerCount() {
    String id = create("busy");
    for (int i = 0; i < 20; i++) {
      fail(id, RunEnd.rateLimited("429"));
    }
    clock.advance(6 * 3_600_000L + 1);

    assertThat(fail(id, RunEnd.rateLimited("429")).status()).isEqualTo(Status.READY);
  }

  @Test
  void rateLimitsNeitherCountNorResetTheCrashCount() {
    String id = create("t");
    fail(id, RunEnd.crashed(1, "x"));
    fail(id, RunEnd.crashed(1, "x"));
    assertThat(fail(id, RunEnd.rateLimited("429")).consecutiveFailures()).isEqualTo(2);

    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);
  }

  @Test
  void promotingAGivenUpTaskGrantsExactlyOneMoreAttempt() {
    String id = taskWithMaxRetries(0);
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);

    Task promoted = board.promote(id, "one more try", ALICE).task();
    assertThat(promoted.status()).isEqualTo(Status.READY);
    assertThat(promoted.consecutiveFailures()).isEqualTo(1);
    forgetEvents();

    Task t = fail(id, RunEnd.crashed(1, "x"));
    assertThat(t.status()).isEqualTo(Status.BLOCKED);
    assertThat(t.consecutiveFailures()).isEqualTo(2);
    assertThat(newEvents()).endsWith(CRASHED, GAVE_UP);
  }

  @Test
  void unblockingAGivenUpTaskGrantsAFreshBudget() {
    String id = taskWithMaxRetries(1);
    fail(id, RunEnd.crashed(1, "x"));
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);

    board.unblock(id, "fixed", ALICE);

    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.READY);
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.BLOCKED);
  }

  @Test
  void anOperatorReclaimResetsTheBreaker() {
    String id = create("t");
    fail(id, RunEnd.crashed(1, "x"));
    fail(id, RunEnd.crashed(1, "x"));
    claim(id);

    Task t = board.reclaim(id, "fresh start", ALICE).task();

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.consecutiveFailures()).isZero();
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.READY);
    assertThat(fail(id, RunEnd.crashed(1, "x")).status()).isEqualTo(Status.READY);
  }

  @Test
  void reassigningToSomeoneElseResetsTheBreakerButTheSameAssigneeDoesNot() {
    String id = board.create(titled("t").withAssignee("coder")).view().id();
    fail(id, RunEnd.crashed(1, "x"));
    fail(id, RunEnd.crashed(1, "x"));

    assertThat(board.assign(id, "coder", false, ALICE).task().consecutiveFailures()).isEqualTo(2);
    Task t = board.assign(id, "other", false, ALICE).task();

    assertThat(t.assignee()).isEqualTo("other");
    assertThat(t.consecutiveFailures()).isZero();
  }

  @Test
  void completingResetsTheBreaker() {
    String id = create("t");
    fail(id, RunEnd.crashed(1, "x"));
    Claim c = claim(id);

    assertThat(board.complete(id, null, null, false, worker(c)).task().consecutiveFailures()).isZero();
  }

  @Test
  void endingARunThatIsNoLongerCurrentIsAConflict() {
    String id = create("t");
    Claim old = claim(id);
    board.reclaim(id, null, ALICE);
    Claim current = claim(id);
    Task before = task(id);

    var e = refused(ErrorKind.CONFLICT, () -> board.endRun(id, old.run().id(), RunEnd.crashed(1, "late"), GATEWAY));

    assertThat(e.getMessage()).isEqualTo("run " + old.run().id() + " is no longer the current run of " + id);
    assertThat(task(id)).isEqualTo(before);
    assertThat(run(id, current.run().id()).isOpen()).isTrue();
  }

  @Test
  void endingARunOfATaskThatIsNotRunningIsAConflict() {
    String id = create("t");
    Claim c = claim(id);
    board.complete(id, null, null, false, worker(c));

    refused(ErrorKind.CONFLICT, () -> board.endRun(id, c.run().id(), RunEnd.crashed(1, "late"), GATEWAY));
    assertThat(status(id)).isEqualTo(Status.DONE);
  }
}
