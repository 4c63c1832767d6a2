package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 20: stopping the gateway while workers run. By default the workers keep running
 * with their runs open and the next gateway adopts them and records how they end; with
 * {@code --stop-workers} every worker tree, forked children included, is stopped and its run
 * released, so no row is left running without an owner.
 */
class ShutdownTest {
  @TempDir Path home;
  private final List<GatewayHarness> harnesses = new ArrayList<>();

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  /** Forks a child, then waits for a file named "go" in its workspace and exits with $1. */
  static String waitsForGo(int exit) {
    return """
        sleep 300 &
        echo $! > pids
        echo $$ >> pids
        while [ ! -e go ]; do sleep 0.1; done
        kill %1 2>/dev/null || true
        echo "finished with EXIT"
        exit EXIT
        """.replace("EXIT", Integer.toString(exit));
  }

  private GatewayHarness start() {
    GatewayHarness h = new GatewayHarness(home, CONFIG);
    harnesses.add(h);
    return h;
  }

  @AfterEach
  void tearDown() {
    for (int i = harnesses.size() - 1; i >= 0; i--) {
      harnesses.get(i).close();
    }
  }

  /** The worker (the launch wrapper), its script shell and the child it forked. */
  private static List<Long> pids(Run run) throws Exception {
    Path f = Path.of(run.workspacePath()).resolve("pids");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(f) && Files.readAllLines(f).size() >= 2);
    List<Long> out = new ArrayList<>(List.of(run.workerPid()));
    Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(out::add);
    return out;
  }

  @Test
  void aStoppedGatewayLeavesWorkersRunningWithOpenRunsAndTheNextGatewayAdoptsThemAndRecordsTheirEnds() throws Exception {
    GatewayHarness first = start();
    String ok = first.shell("sh", waitsForGo(0));
    String crash = first.create(GatewayHarness.withRetries(task("crashes", waitsForGo(3), "sh"), 0));
    Run okRun = first.awaitWorker(ok);
    Run crashRun = first.awaitWorker(crash);
    List<Long> okPids = pids(okRun);
    List<Long> crashPids = pids(crashRun);

    first.stopGateway(false);
    assertThat(okPids).allMatch(Procs::alive);
    assertThat(crashPids).allMatch(Procs::alive);
    assertThat(first.status(ok)).isEqualTo(Status.RUNNING);
    assertThat(first.currentRun(ok).id()).isEqualTo(okRun.id());

    try (WorkerCensus census = new WorkerCensus(home)) {
      GatewayHarness second = start();
      await().atMost(Duration.ofSeconds(20)).until(() -> second.events(ok, EventKind.WORKER_ADOPTED).size() == 1
          && second.events(crash, EventKind.WORKER_ADOPTED).size() == 1);
      Files.writeString(Path.of(okRun.workspacePath()).resolve("go"), "");
      Files.writeString(Path.of(crashRun.workspacePath()).resolve("go"), "");
      second.awaitStatus(ok, Status.DONE, Duration.ofSeconds(20));
      second.awaitStatus(crash, Status.BLOCKED, Duration.ofSeconds(20));

      Run okEnd = second.runs(ok).get(0);
      assertThat(second.runs(ok)).hasSize(1);
      assertThat(okEnd.outcome()).isEqualTo(RunOutcome.COMPLETED);
      assertThat(okEnd.summary()).startsWith("finished with 0");
      Run crashEnd = second.runs(crash).get(0);
      assertThat(crashEnd.outcome()).isEqualTo(RunOutcome.GAVE_UP);
      assertThat(crashEnd.exitCode()).isEqualTo(3);
      assertThat(crashEnd.error()).contains("exited with code 3");
      assertThat(second.events(ok, EventKind.COMPLETED)).hasSize(1);
      assertThat(second.events(crash, EventKind.CRASHED)).hasSize(1);
      assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
      assertThat(second.integrityCheck("default")).isEqualTo("ok");
    }
  }

  @Test
  void stopWithStopWorkersEndsEveryWorkerTreeAndReleasesTheRuns() throws Exception {
    GatewayHarness h = start();
    List<String> ids = List.of(h.shell("sh", waitsForGo(0)), h.shell("sh", waitsForGo(0)), h.shell("sh", waitsForGo(0)));
    List<Long> all = new ArrayList<>();
    for (String id : ids) {
      all.addAll(pids(h.awaitWorker(id)));
    }
    assertThat(all).allMatch(Procs::alive);

    h.stopGateway(true);
    assertThat(all).noneMatch(Procs::alive);
    assertThat(Procs.workersOf(home)).isEmpty();
    for (String id : ids) {
      assertThat(h.status(id)).isEqualTo(Status.READY);
      assertThat(h.task(id).currentRunId()).isNull();
      Run r = h.runs(id).get(0);
      assertThat(r.outcome()).as(h.describe("default", id)).isEqualTo(RunOutcome.RECLAIMED);
      assertThat(r.error()).contains("--stop-workers");
      assertThat(h.task(id).consecutiveFailures()).isZero();
    }
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }
}
