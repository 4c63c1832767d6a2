package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.HEARTBEAT;
import static org.agentkanban.domain.EventKind.PROMOTED;
import static org.agentkanban.domain.EventKind.PROMOTED_MANUAL;
import static org.agentkanban.domain.EventKind.RECLAIMED;
import static org.agentkanban.domain.EventKind.SCHEDULED;
import static org.agentkanban.domain.EventKind.SCHEDULE_DUE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.Test;

/** Promote, schedule and the maintenance tick: waking due tasks and releasing expired leases. */
class SchedulingTest extends BoardTestBase {
  private static final long HOUR = 3_600_000L;

  private String scheduledTask(long in, String... parents) {
    return create(with(titled("later").withParents(List.of(parents)), null, false, clock.now() + in, null));
  }

  // ---- promote ---------------------------------------------------------------------------------

  @Test
  void promotingATriageTaskMakesItReady() {
    String id = create(with(titled("idea"), null, true, null, null));
    forgetEvents();

    assertThat(board.promote(id, "specified", ALICE).task().status()).isEqualTo(Status.READY);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(PROMOTED_MANUAL);
    assertThat(events.get(0).payload()).contains("\"from\":\"triage\"").contains("\"status\":\"ready\"");
  }

  @Test
  void promotingATriageTaskWithUnfinishedParentsMakesItWait() {
    String parent = create("parent");
    String id = create(with(titled("idea").withParents(List.of(parent)), null, true, null, null));

    assertThat(board.promote(id, null, ALICE).task().status()).isEqualTo(Status.TODO);
  }

  @Test
  void promotingAWaitingTaskIsRefusedWhileItsParentsAreUnfinished() {
    String parent = create("parent");
    String id = create("child", parent);

    var e = refused(ErrorKind.REFUSED, () -> board.promote(id, null, ALICE));

    assertThat(e.getMessage()).isEqualTo("cannot promote " + id + ": it waits on unfinished parents: " + parent + " (ready)");
  }

  @Test
  void promotingABlockedTaskMakesItReadyButKeepsTheFailureCount() {
    String id = create("t");
    board.endRun(id, claim(id).run().id(), RunEnd.crashed(1, "boom"), GATEWAY);
    board.block(id, "look at it", null, ALICE);

    Task t = board.promote(id, null, ALICE).task();

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.blockReason()).isNull();
    assertThat(t.consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void promotingAScheduledTaskMakesItReadyAndForgetsTheTime() {
    String id = scheduledTask(HOUR);

    Task t = board.promote(id, "now please", ALICE).task();

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.scheduledAt()).isNull();
  }

  @Test
  void promotingAReadyTaskIsRefused() {
    String id = create("t");

    var e = refused(ErrorKind.REFUSED, () -> board.promote(id, null, ALICE));

    assertThat(e.getMessage()).isEqualTo(
        "cannot promote " + id + ": it is ready; promote applies to triage, todo, blocked or scheduled tasks");
  }

  // ---- schedule and tick -------------------------------------------------------------------------

  @Test
  void scheduleAcceptsOnlyATimeAhead() {
    String id = create("t");

    refused(ErrorKind.INVALID_INPUT, () -> board.schedule(id, clock.now(), null, ALICE));
    refused(ErrorKind.INVALID_INPUT, () -> board.schedule(id, clock.now() - 1, null, ALICE));
    assertThat(status(id)).isEqualTo(Status.READY);
  }

  @Test
  void schedulingAReadyTaskParksItUntilTheTime() {
    String id = create("t");
    forgetEvents();

    Task t = board.schedule(id, clock.now() + HOUR, "after the deploy", ALICE).task();

    assertThat(t.status()).isEqualTo(Status.SCHEDULED);
    assertThat(t.scheduledAt()).isEqualTo(clock.now() + HOUR);
    assertThat(newEvents()).containsExactly(SCHEDULED);
  }

  @Test
  void schedulingARunningTaskCancelsItsRun() {
    String id = create("t");
    Claim c = claim(id);

    Task t = board.schedule(id, clock.now() + HOUR, null, ALICE).task();

    assertThat(t.status()).isEqualTo(Status.SCHEDULED);
    assertThat(t.currentRunId()).isNull();
    assertThat(run(id, c.run().id()).outcome()).isEqualTo(RunOutcome.CANCELLED);
  }

  @Test
  void schedulingADoneTaskIsRefused() {
    String id = create("t");
    board.complete(id, null, null, false, ALICE);

    refused(ErrorKind.REFUSED, () -> board.schedule(id, clock.now() + HOUR, null, ALICE));
  }

  @Test
  void tickWakesAScheduledTaskOnceItIsDueAndNotBefore() {
    String id = scheduledTask(HOUR);
    forgetEvents();

    clock.advance(HOUR - 1);
    assertThat(board.tick().woken()).isEmpty();
    assertThat(status(id)).isEqualTo(Status.SCHEDULED);
    assertThat(newEvents()).isEmpty();

    clock.advance(1);
    TickResult r = board.tick();

    assertThat(r.woken()).containsExactly(id);
    assertThat(status(id)).isEqualTo(Status.READY);
    assertThat(newEvents()).containsExactly(SCHEDULE_DUE);
    assertThat(board.tick().woken()).isEmpty();
  }

  @Test
  void aDueTaskWithUnfinishedParentsWakesIntoTodoAndWaits() {
    String parent = create("parent");
    String id = scheduledTask(HOUR, parent);
    assertThat(status(id)).isEqualTo(Status.SCHEDULED);

    clock.advance(HOUR);
    board.tick();
    assertThat(status(id)).isEqualTo(Status.TODO);

    forgetEvents();
    board.complete(parent, null, null, false, ALICE);
    assertThat(status(id)).isEqualTo(Status.READY);
    assertThat(newEvents()).endsWith(PROMOTED);
  }

  @Test
  void unblockingAScheduledTaskStartsItNow() {
    String id = scheduledTask(HOUR);

    Task t = board.unblock(id, null, ALICE).task();

    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.scheduledAt()).isNull();
    clock.advance(2 * HOUR);
    assertThat(board.tick().woken()).isEmpty();
  }

  // ---- leases ----------------------------------------------------------------------------------

  @Test
  void tickReleasesAManualClaimWhoseLeaseRanOut() {
    String id = create("t");
    Claim c = board.claim(id, LEASE, ALICE);
    forgetEvents();

    clock.advance(LEASE);
    assertThat(board.tick().released()).isEmpty();

    clock.advance(1);
    TickResult r = board.tick();

    assertThat(r.released()).containsExactly(id);
    Task t = task(id);
    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.currentRunId()).isNull();
    assertThat(t.consecutiveFailures()).isZero();
    assertThat(run(id, c.run().id()).outcome()).isEqualTo(RunOutcome.RECLAIMED);
    assertThat(newEvents()).containsExactly(RECLAIMED);
  }

  /**
   * A gateway killed between starting a worker and recording it leaves a gateway claim without a
   * worker whose worker may well run: only a dispatcher can look for it, so a tick (the CLI's,
   * with no gateway up) leaves it alone however long ago its lease ran out.
   */
  @Test
  void tickLeavesAGatewayClaimWithoutARecordedWorkerToTheDispatcher() {
    String id = create("t");
    claim(id);
    clock.advance(10 * LEASE);

    assertThat(board.tick().released()).isEmpty();
    assertThat(status(id)).isEqualTo(Status.RUNNING);
  }

  @Test
  void aHeartbeatPushesTheLeaseOut() {
    String id = create("t");
    Claim c = claim(id);
    clock.advance(LEASE - 10_000);
    forgetEvents();

    board.heartbeat(id, "still compiling", worker(c));
    assertThat(newEvents()).containsExactly(HEARTBEAT);
    assertThat(run(id, c.run().id()).leaseExpiresAt()).isEqualTo(clock.now() + LEASE);

    clock.advance(LEASE - 10_000);
    assertThat(board.tick().released()).isEmpty();
    assertThat(status(id)).isEqualTo(Status.RUNNING);
  }

  @Test
  void anExpiredReviewRunGoesBackToReview() {
    String id = create("t");
    board.requestReview(id, null, null, null, ALICE);
    board.claim(id, LEASE, ALICE);

    clock.advance(LEASE + 1);
    board.tick();

    assertThat(status(id)).isEqualTo(Status.REVIEW);
  }

  @Test
  void anExpiredLeaseKeepsTheFailureCount() {
    String id = create("t");
    board.endRun(id, claim(id).run().id(), RunEnd.timedOut("too slow"), GATEWAY);
    board.claim(id, LEASE, ALICE);

    clock.advance(LEASE + 1);
    board.tick();

    assertThat(status(id)).isEqualTo(Status.READY);
    assertThat(task(id).consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void heartbeatingATaskThatIsNotRunningIsRefused() {
    String id = create("t");
    refused(ErrorKind.REFUSED, () -> board.heartbeat(id, null, ALICE));
  }
}
