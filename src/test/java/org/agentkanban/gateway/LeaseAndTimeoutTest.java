package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withRetries;
import static org.agentkanban.gateway.GatewayHarness.withRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 6 (one long call: a live worker that never heartbeats keeps its lease, and no
 * second worker starts) and the runtime limit, which stops the worker's whole tree.
 *
 * <p>What a stop reaches: the worker's process group (its session: everything it started that did
 * not call {@code setsid}) and every process that descends from it at that moment, a child that
 * moved to a session of its own included. A process that left the session and was orphaned
 * before the stop (a daemon that double-forked) is out of reach; docs/GATEWAY.md says so.
 */
class LeaseAndTimeoutTest {
  @TempDir Path home;
  private GatewayHarness h;
  private WorkerCensus census;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  @BeforeEach
  void start() {
    h = new GatewayHarness(home, CONFIG);
    census = new WorkerCensus(home);
  }

  @AfterEach
  void tearDown() {
    census.close();
    h.close();
  }

  @Test
  void aLiveWorkerThatNeverHeartbeatsForLongerThanTheLeaseKeepsItAndNoSecondWorkerStarts() {
    String id = h.shell("sh", "while [ ! -e go ]; do sleep 0.2; done; echo one long call returned");
    Run run = h.awaitWorker(id);
    long firstLease = run.leaseExpiresAt();
    // Three lease lengths without a heartbeat: the lease moves forward because the process lives.
    await().atMost(Duration.ofSeconds(30)).until(() -> h.currentRun(id).leaseExpiresAt() > firstLease + 2 * 3_000);
    assertThat(System.currentTimeMillis()).isGreaterThan(firstLease + 3_000);
    assertThat(h.currentRun(id).id()).isEqualTo(run.id());
    assertThat(h.currentRun(id).lastHeartbeatAt()).isEqualTo(run.lastHeartbeatAt());
    assertThat(h.events(id, EventKind.RECLAIMED)).isEmpty();

    writeGo(run);
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(20));
    assertThat(h.runs(id)).hasSize(1);
    assertThat(h.runs(id).get(0).summary()).isEqualTo("one long call returned");
    assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
  }

  private static void writeGo(Run run) {
    try {
      Files.writeString(Path.of(run.workspacePath()).resolve("go"), "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWorkerPastItsMaxRuntimeIsTimedOutWithItsChildrenGrandchildrenAndSetsidChildStopped() throws Exception {
    String id = h.create(withRetries(withRuntime(task("runs away", """
        sleep 300 &
        echo "child $!" >> pids
        sh -c 'sleep 300 & echo "grandchild $!" >> pids; wait' &
        echo "child $!" >> pids
        setsid sleep 300 &
        echo "setsid $!" >> pids
        echo "script $$" >> pids
        trap '' TERM
        while true; do sleep 1; done
        """, "sh"), 2_000L), 0));
    Run run = h.awaitWorker(id);
    Path pidsFile = Path.of(run.workspacePath()).resolve("pids");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidsFile) && Files.readAllLines(pidsFile).size() >= 5);
    List<Long> pids = new ArrayList<>(List.of(run.workerPid()));
    long setsidChild = 0;
    for (String line : Files.readAllLines(pidsFile)) {
      long pid = Long.parseLong(line.split(" ")[1]);
      pids.add(pid);
      if (line.startsWith("setsid")) {
        setsidChild = pid;
      }
    }
    long moved = setsidChild;
    await("the setsid child left the worker group").atMost(Duration.ofSeconds(5))
        .until(() -> Procs.pgid(moved) == moved);

    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(30));
    Run ended = h.runs(id).get(0);
    assertThat(ended.outcome()).isEqualTo(RunOutcome.GAVE_UP);
    assertThat(ended.error()).contains("exceeded its max runtime of 2000 ms");
    assertThat(h.events(id, EventKind.TIMED_OUT)).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(Procs::alive));
    assertThat(Procs.groupMembers(run.workerPid())).isEmpty();
    assertThat(Procs.workersOf(home)).isEmpty();
  }

  @Test
  void aLongCallIsStillBoundedByMaxRuntime() {
    String id = h.create(withRetries(withRuntime(task("one call that never returns", "sleep 300", "sh"), 1_500L), 1));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(30));
    assertThat(h.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.TIMED_OUT, RunOutcome.GAVE_UP);
    assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
    assertThat(Procs.workersOf(home)).isEmpty();
  }
}
