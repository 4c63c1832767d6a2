package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.TESTER;
import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenarios 11 (an operator acts on a running task) and 20 (archive or complete a task whose
 * worker and its children live): the worker's whole process group is stopped, and a task that can
 * run again gets its next worker only once every process of the previous one is gone. The worker
 * itself checks that at its start, and a census of /proc watches throughout.
 */
class OperatorActionTest {
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
          complete_on_exit: false
        other:
          type: shell
          complete_on_exit: false
      """;

  /** Notes any process of the previous run still alive, then forks a child and waits. */
  static final String WORKER = """
      for p in $(cat pids 2>/dev/null || true); do
        s=$(awk '{print $3}' /proc/$p/stat 2>/dev/null || true)
        if [ -n "$s" ] && [ "$s" != Z ]; then echo "run $KANBAN_RUN saw $p alive ($s)" >> overlaps; fi
      done
      sleep 300 &
      echo $! > pids
      echo $$ >> pids
      wait
      """;

  @BeforeEach
  void start() {
    h = GatewayHarness.setup(home, CONFIG).api().start();
    census = new WorkerCensus(home);
  }

  @AfterEach
  void tearDown() {
    census.close();
    h.close();
  }

  /** Waits for the worker and its child; returns every process of its group. */
  private List<Long> workerTree(Run run) {
    Path pids = Path.of(run.workspacePath()).resolve("pids");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pids) && lines(pids) >= 2);
    List<Long> group = Procs.groupMembers(run.workerPid());
    assertThat(group).as("wrapper, script shell and its child").hasSizeGreaterThanOrEqualTo(3);
    return group;
  }

  private static long lines(Path p) throws IOException {
    return Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
  }

  private void awaitAllDead(List<Long> pids) {
    await().atMost(Duration.ofSeconds(15)).until(() -> pids.stream().noneMatch(Procs::alive));
  }

  @ParameterizedTest(name = "an operator''s {0} of a running task stops the worker and its children before the task can run again")
  @ValueSource(strings = {"schedule", "block", "archive", "reclaim", "assign --reclaim", "complete --force"})
  void anOperatorActionOnARunningTaskStopsTheWholeWorkerTreeFirst(String verb) throws IOException {
    String id = h.create(task("busy", WORKER, "sh"));
    Run a = h.awaitWorker(id);
    List<Long> tree = workerTree(a);
    KanbanCli cli = h.cli();
    KanbanCli.Result r = switch (verb) {
      case "schedule" -> cli.run("schedule", id, "--at", "+1h");
      case "block" -> cli.run("block", id, "operator", "needs", "to", "look");
      case "archive" -> cli.run("archive", id);
      case "reclaim" -> cli.run("reclaim", id, "operator", "reclaim");
      case "assign --reclaim" -> cli.run("assign", id, "other", "--reclaim");
      default -> cli.run("complete", id, "--force", "--summary", "done by hand");
    };
    assertThat(r.exit()).as(r.toString()).isZero();
    awaitAllDead(tree);
    assertThat(Procs.groupMembers(a.workerPid())).isEmpty();

    Status expected = switch (verb) {
      case "schedule" -> Status.SCHEDULED;
      case "block" -> Status.BLOCKED;
      case "archive" -> Status.ARCHIVED;
      case "complete --force" -> Status.DONE;
      default -> Status.RUNNING;
    };
    h.awaitStatus(id, expected, Duration.ofSeconds(20));
    RunOutcome first = switch (verb) {
      case "block" -> RunOutcome.BLOCKED;
      case "reclaim" -> RunOutcome.RECLAIMED;
      case "complete --force" -> RunOutcome.COMPLETED;
      default -> RunOutcome.CANCELLED;
    };
    assertThat(h.runs(id).get(0).outcome()).isEqualTo(first);
    if (expected == Status.RUNNING) {
      Run b = h.awaitWorker(id);
      assertThat(b.id()).isNotEqualTo(a.id());
      workerTree(b);
      assertThat(Path.of(b.workspacePath()).resolve("overlaps")).doesNotExist();
    } else {
      assertThat(h.runs(id)).hasSize(1);
    }
    assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
  }

  @Test
  void aReclaimWrittenByAnotherProcessDirectlyToTheBoardAlsoStopsTheWorkerBeforeTheNextRun() {
    String id = h.create(task("busy", WORKER, "sh"));
    Run a = h.awaitWorker(id);
    List<Long> tree = workerTree(a);
    h.board().reclaim(id, "reclaimed by a process that bypassed the gateway", TESTER);
    awaitAllDead(tree);
    Run b = h.awaitWorker(id);
    assertThat(b.id()).isNotEqualTo(a.id());
    workerTree(b);
    assertThat(Path.of(b.workspacePath()).resolve("overlaps")).doesNotExist();
    assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }

  @Test
  void childrenAWorkerLeavesBehindAfterCompletingItsOwnRunAreStopped() {
    String id = h.create(task("finishes but leaves a child", """
        sleep 300 &
        echo $! > pids
        kanban complete --summary "done, child left running"
        """, "sh"));
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(60));
    Run a = h.runs(id).get(0);
    assertThat(a.outcome()).isEqualTo(RunOutcome.COMPLETED);
    assertThat(a.summary()).isEqualTo("done, child left running");
    await().atMost(Duration.ofSeconds(15)).until(() -> Procs.groupMembers(a.workerPid()).isEmpty());
    assertThat(Procs.workersOf(home)).isEmpty();
  }
}
