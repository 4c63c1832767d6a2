package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.TESTER;
import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withRetries;
import static org.agentkanban.gateway.GatewayHarness.withRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 7: a worker that survives SIGKILL (stuck in the kernel, played by a process
 * control whose stop reports survivors while the real process keeps running). Its run stays open
 * ({@code reclaim_deferred}), no second worker starts for its task, and once the process finally
 * goes the run ends exactly once.
 */
class UnkillableWorkerTest {
  @TempDir Path home;
  private GatewayHarness h;
  private WorkerCensus census;
  private final Stubborn control = new Stubborn();

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  /** Observes real processes; while {@code unkillable}, stopping one leaves it running and says so. */
  static final class Stubborn implements ProcessControl {
    volatile boolean unkillable = true;
    final AtomicInteger refusedStops = new AtomicInteger();

    @Override
    public Optional<ProcessHandle> live(WorkerIdentity worker) {
      return REAL.live(worker);
    }

    @Override
    public ProcessTree.StopResult stop(WorkerIdentity worker, Duration grace) {
      if (unkillable) {
        refusedStops.incrementAndGet();
        return new ProcessTree.StopResult(true, true, true);
      }
      return REAL.stop(worker, grace);
    }

    @Override
    public boolean hasLeftovers(WorkerIdentity worker) {
      return REAL.hasLeftovers(worker);
    }
  }

  @BeforeEach
  void start() {
    h = new GatewayHarness(home, CONFIG, control, Clock.SYSTEM);
    census = new WorkerCensus(home);
  }

  @AfterEach
  void tearDown() {
    control.unkillable = false;
    census.close();
    h.close();
  }

  @Test
  void aTimedOutWorkerThatSurvivesSigkillKeepsItsRunOpenUntilItGoesAndTheRunEndsOnce() {
    String id = h.create(withRetries(withRuntime(task("stuck in the kernel", "sleep 300", "sh"), 1_000L), 0));
    Run run = h.awaitWorker(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.events(id, EventKind.RECLAIM_DEFERRED).size() == 1);
    // Several retries of the stop over several ticks: the run stays open, nothing else starts.
    await().atMost(Duration.ofSeconds(20)).until(() -> control.refusedStops.get() >= 3);
    assertThat(h.status(id)).isEqualTo(Status.RUNNING);
    assertThat(h.currentRun(id).id()).isEqualTo(run.id());
    assertThat(h.runs(id)).hasSize(1);
    assertThat(Procs.alive(run.workerPid())).isTrue();
    assertThat(h.events(id, EventKind.RECLAIM_DEFERRED).get(0).payload()).contains("survived SIGKILL");
    // Retried once a safety tick or so, not in a loop: the dispatcher does not spin on a past deadline.
    int before = control.refusedStops.get();
    await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5)).until(() -> h.status(id) == Status.RUNNING);
    assertThat(control.refusedStops.get() - before).isBetween(1, 10);

    control.unkillable = false; // the kernel finally lets it go
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(20));
    assertThat(h.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.GAVE_UP);
    assertThat(h.runs(id).get(0).error()).contains("exceeded its max runtime");
    assertThat(h.events(id, EventKind.TIMED_OUT)).hasSize(1);
    assertThat(h.events(id, EventKind.RECLAIM_DEFERRED)).hasSize(1);
    assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !Procs.alive(run.workerPid()));
  }

  @Test
  void aReclaimedTaskWhoseWorkerSurvivesSigkillGetsNoSecondWorkerUntilTheFirstIsGone() {
    String id = h.shell("sh", "sleep 300");
    Run first = h.awaitWorker(id);
    h.board().reclaim(id, "operator gives up on it", TESTER);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.events(id, EventKind.RECLAIM_DEFERRED).size() == 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> control.refusedStops.get() >= 3);
    assertThat(h.status(id)).isEqualTo(Status.READY);
    assertThat(h.runs(id)).hasSize(1);
    assertThat(Procs.alive(first.workerPid())).isTrue();

    control.unkillable = false;
    Run second = h.awaitWorker(id);
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(Procs.alive(first.workerPid())).isFalse();
    assertThat(h.runs(id).get(0).outcome()).isEqualTo(RunOutcome.RECLAIMED);
    assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
  }
}
