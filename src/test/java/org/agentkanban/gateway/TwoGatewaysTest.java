package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 5: two gateways on one home (this JVM's and a {@code kanban serve} process). Each
 * board is dispatched by exactly one of them; the other says so and serves the API only (a write
 * through its API is dispatched by the owner, which notices it through {@code data_version});
 * no task is ever run by two workers; and when the owner goes, the other takes its boards over
 * instead of leaving them idle (#100109). Workers print their KANBAN_URL, which tells which
 * gateway started them (the in-process one serves no API: its workers get an empty URL).
 */
class TwoGatewaysTest {
  @TempDir Path home;
  private GatewayHarness inProcess;
  private ServeProcess serve;
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

  private static final String WORKER = "sleep 0.3; echo \"dispatched by [$KANBAN_URL]\"";

  @AfterEach
  void tearDown() {
    if (census != null) {
      census.close();
    }
    if (serve != null) {
      serve.close();
    }
    if (inProcess != null) {
      inProcess.close();
    }
  }

  private List<String> createOn(String board, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(inProcess.board(board).create(task(board + " task " + i, WORKER, "sh")).view().id());
    }
    return ids;
  }

  /** Waits until done, one run each; returns the dispatchers that ran them. */
  private Set<String> dispatchersOf(String board, List<String> ids) {
    for (String id : ids) {
      inProcess.awaitStatus(board, id, Status.DONE, Duration.ofSeconds(60));
    }
    Set<String> by = new HashSet<>();
    for (String id : ids) {
      List<Run> runs = inProcess.runs(board, id);
      assertThat(runs).extracting(Run::outcome).containsExactly(RunOutcome.COMPLETED);
      by.add(runs.get(0).summary());
    }
    return by;
  }

  @Test
  void eachBoardHasOneDispatcherTheOtherGatewayServesTheApiOnlyAndTakesOverWhenTheOwnerGoes() {
    inProcess = GatewayHarness.setup(home, CONFIG).start();
    inProcess.board("beta");
    await().atMost(Duration.ofSeconds(10)).until(() -> inProcess.gateway.dispatcher("beta") != null);
    census = new WorkerCensus(home);
    serve = ServeProcess.start(home);
    await().atMost(Duration.ofSeconds(10)).until(() -> serve.output().contains("board 'beta' is dispatched by another gateway"));
    assertThat(serve.output()).contains("board 'default' is dispatched by another gateway; this gateway serves its API only");

    // Writes through the API-only gateway (the CLI routes through it: it wrote gateway.json).
    KanbanCli.Result viaApi = inProcess.cli().run("create", "made through the other gateway", "--body", WORKER,
        "--assignee", "sh", "--board", "beta", "--json");
    assertThat(viaApi.exit()).as(viaApi.toString()).isZero();
    List<String> beta = new ArrayList<>(createOn("beta", 3));
    beta.add(viaApi.json().path("task").path("id").asText());
    List<String> dflt = createOn("default", 4);
    assertThat(dispatchersOf("beta", beta)).containsExactly("dispatched by []");
    assertThat(dispatchersOf("default", dflt)).containsExactly("dispatched by []");

    // The owner stops (its workers would keep running): the other takes both boards over.
    inProcess.stopGateway(false);
    await().atMost(Duration.ofSeconds(15)).until(() -> serve.output().contains("board 'beta': the gateway that dispatched it is gone")
        && serve.output().contains("board 'default': the gateway that dispatched it is gone"));
    String later = "dispatched by [" + serve.url() + "]";
    assertThat(dispatchersOf("beta", createOn("beta", 2))).containsExactly(later);
    assertThat(dispatchersOf("default", createOn("default", 2))).containsExactly(later);

    assertThat(census.maxLiveRunsOfAnyTask()).isEqualTo(1);
    assertThat(inProcess.integrityCheck("default")).isEqualTo("ok");
    assertThat(inProcess.integrityCheck("beta")).isEqualTo("ok");
  }
}
