package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own commands as real processes: {@code kanban gateway start|status|stop} (a
 * background gateway that outlives the command that started it) and {@code kanban demo}.
 */
class GatewayCommandsTest {
  @TempDir Path home;

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
    // A background gateway this test started, should an assertion have left it running.
    for (Path h : new Path[] {home, home.resolve("demo")}) {
      GatewayFile.read(new KanbanHome(h).gatewayFile()).filter(GatewayFile::processAlive)
          .flatMap(g -> ProcessHandle.of(g.pid())).ifPresent(ProcessHandle::destroyForcibly);
      Procs.killAllOf(h);
    }
  }

  @Test
  void gatewayStartStatusAndStopManageABackgroundGatewayAndStopWorkersEndsItsWorkers() throws Exception {
    Files.writeString(home.resolve("config.yaml"), CONFIG);
    KanbanCli cli = new KanbanCli(home);
    KanbanCli.Result none = cli.run("gateway", "status");
    assertThat(none.exit()).as(none.toString()).isEqualTo(3);
    assertThat(none.out()).contains("No gateway is running");

    KanbanCli.Result start = cli.run("gateway", "start", "--port", "0");
    assertThat(start.exit()).as(start.toString()).isZero();
    assertThat(start.out()).contains("Gateway running: http://127.0.0.1:");
    KanbanCli.Result status = cli.run("gateway", "status", "--json");
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.json().path("running").asBoolean()).isTrue();
    assertThat(status.json().path("answering").asBoolean()).isTrue();
    long pid = status.json().path("pid").asLong();
    KanbanCli.Result again = cli.run("gateway", "start", "--port", "0");
    assertThat(again.exit()).as(again.toString()).isNotZero();
    assertThat(again.err()).contains("already running (pid " + pid);

    // It dispatches: a task created through it runs; a long one is running when we stop.
    KanbanCli.Result quick = cli.run("create", "quick", "--body", "echo quick done", "--assignee", "sh", "--json");
    String quickId = quick.json().path("task").path("id").asText();
    KanbanCli.Result slow = cli.run("create", "slow", "--body", "sleep 300", "--assignee", "sh", "--json");
    String slowId = slow.json().path("task").path("id").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> Procs.workersOf(home).stream().anyMatch(w -> w.task().equals(slowId)));

    KanbanCli.Result stop = cli.run("gateway", "stop", "--stop-workers");
    assertThat(stop.exit()).as(stop.toString()).isZero();
    assertThat(stop.out()).contains("Gateway stopped (pid " + pid + "), workers stopped");
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(Procs.workersOf(home)).isEmpty();
    assertThat(cli.run("gateway", "status").exit()).isEqualTo(3);
    assertThat(Files.readString(home.resolve("gateway.log"))).contains("gateway stopped (workers stopped)");

    try (var board = org.agentkanban.testkit.TempHome.boards(home, org.agentkanban.domain.Clock.SYSTEM,
        org.agentkanban.service.ServiceSettings.defaults(), true).open("default", null)) {
      assertThat(board.show(quickId, 0).view().task().status()).isEqualTo(org.agentkanban.domain.Status.DONE);
      assertThat(board.show(slowId, 0).view().task().status()).isEqualTo(org.agentkanban.domain.Status.READY);
      assertThat(board.runs(slowId).get(0).error()).contains("--stop-workers");
    }
    assertThat(GatewayHarness.integrityCheck(home, "default")).isEqualTo("ok");
  }

  @Test
  void theDemoRunsItsPipelineToFiveDoneAndOneWaitingForAPersonAndExitsZero() {
    Path demo = home.resolve("demo");
    KanbanCli.Result r = new KanbanCli(home).run("demo", "--exit-when-done", "--home", demo.toString(), "--port", "0");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("5 tasks done, 1 waiting for a person.");
    assertThat(Procs.workersOf(demo)).isEmpty();
    assertThat(GatewayHarness.integrityCheck(demo, "default")).isEqualTo("ok");
  }
}
