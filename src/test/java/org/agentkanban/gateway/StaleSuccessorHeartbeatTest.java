package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 8 (#119155): a task fails once, hours pass, it is claimed again. The new run's
 * heartbeat and lease are seeded at its own claim, so the live new worker is not taken for a
 * wedged one. Time is a manual clock; the test drives the dispatcher pass by pass with real worker
 * processes.
 */
class StaleSuccessorHeartbeatTest {
  @TempDir Path home;
  private GatewayHarness h;

  private static final long HOUR = 3_600_000L;
  private static final long TTL = 3_000L;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aRunClaimedHoursAfterTheLastOneGetsAFreshHeartbeatAndLeaseAndIsNotReclaimed() throws Exception {
    ManualClock clock = new ManualClock();
    h = GatewayHarness.setup(home, CONFIG).clock(clock).manualDispatch().start();
    Dispatcher d = h.gateway.dispatcher("default");
    String id = h.shell("sh", """
        if [ -e failed-once ]; then
          while [ ! -e go ]; do sleep 0.1; done
          echo second attempt done
        else
          touch failed-once
          exit 3
        fi
        """);
    long t0 = clock.now();
    d.runOnce();
    Run first = h.awaitWorker(id);
    assertThat(first.lastHeartbeatAt()).isEqualTo(t0);
    // Its exit has reached the dispatcher (a worker leaves the live set only after that).
    await().atMost(Duration.ofSeconds(20)).until(() -> h.gateway.supervisor().liveCount() == 0);

    clock.advance(3 * HOUR);
    long t1 = clock.now();
    d.runOnce(); // records the crash, then claims again, hours later
    assertThat(h.runs(id).get(0).outcome()).isEqualTo(RunOutcome.CRASHED);
    Run second = h.awaitWorker(id);
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(second.startedAt()).isEqualTo(t1);
    assertThat(second.lastHeartbeatAt()).isEqualTo(t1);
    assertThat(second.leaseExpiresAt()).isEqualTo(t1 + TTL);

    // Ten lease lengths pass without a heartbeat while the worker lives: renewed, never reclaimed.
    for (int i = 0; i < 30; i++) {
      clock.advance(1_000);
      d.runOnce();
      Run now = h.currentRun(id);
      assertThat(now).isNotNull();
      assertThat(now.id()).isEqualTo(second.id());
      assertThat(now.leaseExpiresAt()).isGreaterThan(clock.now());
    }
    assertThat(h.events(id, EventKind.RECLAIMED)).isEmpty();
    assertThat(Procs.alive(second.workerPid())).isTrue();

    Files.writeString(Path.of(second.workspacePath()).resolve("go"), "");
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      d.runOnce();
      return h.status(id) == Status.DONE;
    });
    assertThat(h.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.CRASHED, RunOutcome.COMPLETED);
    assertThat(h.runs(id).get(1).summary()).isEqualTo("second attempt done");
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }
}
