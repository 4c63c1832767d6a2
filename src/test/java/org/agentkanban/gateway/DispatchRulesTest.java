package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What decides when a ready task starts: config.yaml, reloaded while the gateway runs (a broken
 * edit keeps the last good configuration and shows in health); the caps (host, board, assignee),
 * sampled from /proc while many tasks compete; and scheduled times.
 */
class DispatchRulesTest {
  @TempDir Path home;
  private GatewayHarness h;

  private static final String BASE = """
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
  void anAssigneeAddedToConfigYamlWhileTheGatewayRunsStartsTheTaskThatWaitedAndABrokenEditKeepsTheLastGoodConfig() {
    h = GatewayHarness.setup(home, BASE).api().start();
    String waiting = h.create(task("for a late assignee", "echo late did it", "late"));
    await().atMost(Duration.ofSeconds(10)).until(() -> h.events(waiting, EventKind.DISPATCH_SKIPPED).size() == 1);
    assertThat(h.events(waiting, EventKind.DISPATCH_SKIPPED).get(0).payload())
        .contains("no assignee 'late' is configured in config.yaml");
    assertThat(h.status(waiting)).isEqualTo(Status.READY);

    h.writeConfig(BASE + """
          late:
            type: shell
        """);
    h.awaitStatus(waiting, Status.DONE, Duration.ofSeconds(20));
    assertThat(h.runs(waiting).get(0).summary()).isEqualTo("late did it");
    assertThat(h.events(waiting, EventKind.DISPATCH_SKIPPED)).hasSize(1);

    h.writeConfig(BASE + """
          late:
            type: shell
            max_runtime: fast
        """);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.gateway.configProblem() != null);
    assertThat(h.gateway.configProblem()).contains("assignees.late.max_runtime").contains("fast");
    TestHttp.Reply health = new TestHttp(h.gateway.url()).get("/api/v1/health");
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().path("status").asText()).isEqualTo("degraded");
    assertThat(health.json().path("config_problem").asText()).contains("assignees.late.max_runtime");
    // The last good configuration still dispatches.
    String again = h.create(task("still served", "echo still here", "late"));
    h.awaitStatus(again, Status.DONE, Duration.ofSeconds(20));

    h.writeConfig(BASE);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.gateway.configProblem() == null);
    assertThat(new TestHttp(h.gateway.url()).get("/api/v1/health").status()).isEqualTo(200);
  }

  /** Twenty tasks on two boards; a hundred and twenty with {@code -Dkanban.test.long=true}. */
  @Test
  void hostBoardAndAssigneeCapsAreNeverExceededWhileManyTasksCompete() {
    h = GatewayHarness.setup(home, """
        gateway:
          safety_tick: 1s
          lease_ttl: 3s
          stop_grace: 1s
          max_workers: 3
          board_max_workers: 2
        assignees:
          solo:
            type: shell
            max_concurrent: 1
          many:
            type: shell
            max_concurrent: 3
        """).start();
    List<String[]> all = new ArrayList<>();
    try (WorkerCensus census = new WorkerCensus(home)) {
      for (String board : List.of("default", "beta")) {
        for (int i = 0; i < (Boolean.getBoolean("kanban.test.long") ? 30 : 5); i++) {
          for (String assignee : List.of("solo", "many")) {
            all.add(new String[] {board, h.board(board).create(task(assignee + " " + i, "sleep 0.4", assignee)).view().id()});
          }
        }
      }
      for (String[] t : all) {
        h.awaitStatus(t[0], t[1], Status.DONE, Duration.ofSeconds(180));
      }
      assertThat(census.maxTotal()).isBetween(2, 3);
      assertThat(census.maxOnBoard("default")).isLessThanOrEqualTo(2);
      assertThat(census.maxOnBoard("beta")).isLessThanOrEqualTo(2);
      assertThat(census.maxOfAssignee("solo")).isEqualTo(1);
      assertThat(census.maxOfAssignee("many")).isLessThanOrEqualTo(3);
      assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
    }
    for (String[] t : all) {
      assertThat(h.runs(t[0], t[1])).extracting(Run::outcome).containsExactly(RunOutcome.COMPLETED);
    }
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
    assertThat(h.integrityCheck("beta")).isEqualTo("ok");
  }

  @Test
  void aScheduledTaskBecomesDueAndRuns() {
    h = new GatewayHarness(home, BASE);
    long at = System.currentTimeMillis() + 1_500;
    String id = h.create(GatewayHarness.scheduledAt(task("later", "echo ran when due", "sh"), at));
    assertThat(h.status(id)).isEqualTo(Status.SCHEDULED);
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(20));
    Run run = h.runs(id).get(0);
    assertThat(run.startedAt()).isGreaterThanOrEqualTo(at);
    assertThat(run.summary()).isEqualTo("ran when due");
    assertThat(h.events(id, EventKind.SCHEDULE_DUE)).hasSize(1);
  }
}
