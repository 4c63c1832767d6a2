package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.service.Actor;
import org.agentkanban.service.CreateTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatchEndToEndTest {
  @TempDir Path home;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 10s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  private static CreateTask shell(String title, String script) {
    return new CreateTask(title, script, "sh", null, null, null, null, null, false, null, null, null, null,
        Actor.person("tester"));
  }

  @Test
  void aShellTaskRunsAndCompletesWithItsOutputAsSummary() {
    try (GatewayHarness h = new GatewayHarness(home, CONFIG)) {
      String id = h.board().create(shell("say hello", "echo hello from $KANBAN_TASK")).view().id();
      await().atMost(Duration.ofSeconds(20)).until(() -> h.board().show(id, 5).view().task().status() == Status.DONE);
      var runs = h.board().runs(id);
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).outcome()).isEqualTo(RunOutcome.COMPLETED);
      assertThat(runs.get(0).summary()).contains("hello from " + id);
      assertThat(runs.get(0).workerPid()).isNotNull();
    }
  }

  @Test
  void aCrashingTaskIsRetriedThenBlockedByTheBreaker() {
    try (GatewayHarness h = new GatewayHarness(home, CONFIG)) {
      String id = h.board().create(shell("always fails", "echo boom; exit 3")).view().id();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.board().show(id, 5).view().task().status() == Status.BLOCKED);
      var runs = h.board().runs(id);
      assertThat(runs).hasSize(3);
      assertThat(runs.get(2).outcome()).isEqualTo(RunOutcome.GAVE_UP);
      assertThat(h.board().show(id, 5).view().task().blockReason()).contains("exited with code 3");
    }
  }
}
