package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 10: run A is reclaimed, run B starts, then A's credentials (its KANBAN_URL,
 * KANBAN_RUN_TOKEN, KANBAN_RUN, KANBAN_TASK, KANBAN_BOARD, exactly as the gateway gave them to A's
 * process) are used for complete, block, heartbeat and comment through the real API and CLI. Every
 * one is refused with exit code 4 and recorded as {@code stale_write_rejected}; B is unaffected.
 */
class StaleWriteTest {
  @TempDir Path home;
  private GatewayHarness h;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
          complete_on_exit: false
      """;

  /** Saves its KANBAN_* environment, then waits. */
  private static final String WORKER = """
      env | grep '^KANBAN_' > "env-$KANBAN_RUN"
      while true; do sleep 0.2; done
      """;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private Map<String, String> workerEnv(Run run) throws Exception {
    Path f = Path.of(run.workspacePath()).resolve("env-" + run.id());
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(f) && Files.readString(f).contains("KANBAN_URL="));
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(f)) {
      int eq = line.indexOf('=');
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  private KanbanCli as(Map<String, String> workerEnv) {
    KanbanCli cli = new KanbanCli(home).env("KANBAN_HOME", null).env("KANBAN_ACTOR", null);
    for (String k : new String[] {"KANBAN_URL", "KANBAN_RUN_TOKEN", "KANBAN_RUN", "KANBAN_TASK", "KANBAN_BOARD"}) {
      cli.env(k, workerEnv.get(k));
    }
    return cli;
  }

  @Test
  void aReclaimedRunsLateCompleteBlockHeartbeatAndCommentAreRejectedAndItsSuccessorIsUnaffected() throws Exception {
    h = GatewayHarness.setup(home, CONFIG).api().start();
    String id = h.create(task("contested", WORKER, "sh"));
    Run a = h.awaitWorker(id);
    Map<String, String> envA = workerEnv(a);
    assertThat(envA).containsEntry("KANBAN_TASK", id).containsEntry("KANBAN_RUN", Long.toString(a.id()))
        .containsEntry("KANBAN_BOARD", "default").containsKey("KANBAN_RUN_TOKEN");
    assertThat(envA.get("KANBAN_URL")).isEqualTo(h.gateway.url());

    KanbanCli.Result reclaim = h.cli().run("reclaim", id, "worker", "looks", "stuck");
    assertThat(reclaim.exit()).as(reclaim.toString()).isZero();
    await().atMost(Duration.ofSeconds(20)).until(() -> h.currentRun(id) != null && h.currentRun(id).id() != a.id()
        && h.currentRun(id).workerPid() != null);
    Run b = h.currentRun(id);
    Map<String, String> envB = workerEnv(b);

    KanbanCli lateA = as(envA);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    var late = java.util.stream.Stream.of(
            new String[] {"complete", "--summary", "stale result from A"},
            new String[] {"block", "A", "thinks", "it", "is", "stuck"},
            new String[] {"heartbeat", "--note", "A is still here"},
            new String[] {"comment", id, "late", "note", "from", "A"})
        .map(args -> java.util.concurrent.CompletableFuture.supplyAsync(() -> lateA.run(args), pool))
        .toList();
    pool.shutdown();
    for (KanbanCli.Result r : late.stream().map(java.util.concurrent.CompletableFuture::join).toList()) {
      assertThat(r.exit()).as(r.toString()).isEqualTo(4);
      assertThat(r.err()).contains("no longer the current run");
    }
    assertThat(h.events(id, EventKind.STALE_WRITE_REJECTED)).hasSize(4)
        .allSatisfy(e -> assertThat(e.payload()).contains("\"run_id\":" + a.id()).contains("\"current_run_id\":" + b.id()));
    assertThat(h.board().show(id, 50).comments()).noneMatch(c -> c.body().contains("late note"));

    // B is untouched and its own writes go through.
    assertThat(h.status(id)).isEqualTo(Status.RUNNING);
    assertThat(h.currentRun(id).id()).isEqualTo(b.id());
    assertThat(Procs.alive(b.workerPid())).isTrue();
    KanbanCli asB = as(envB);
    KanbanCli.Result beat = asB.run("heartbeat", "--note", "B working");
    assertThat(beat.exit()).as(beat.toString()).isZero();
    KanbanCli.Result done = asB.run("complete", "--summary", "B's result");
    assertThat(done.exit()).as(done.toString()).isZero();
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(10));
    assertThat(h.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.RECLAIMED, RunOutcome.COMPLETED);
    assertThat(h.runs(id).get(1).summary()).isEqualTo("B's result");
    assertThat(h.task(id).currentRunId()).isNull();
    await().atMost(Duration.ofSeconds(15)).until(() -> !Procs.alive(b.workerPid()));
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }
}
