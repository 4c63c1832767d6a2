package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withRetries;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenario 12, the third case: the host fails, not the task (a directory of the gateway's
 * own cannot be written). Such a failure is recorded, not counted toward the breaker, and the task
 * waits for the cooldown; once the host is fixed, it runs. The tests run as any user, root
 * included, so "unwritable" is a regular file where the gateway needs a directory.
 */
class HostFailureTest {
  @TempDir Path home;
  private GatewayHarness h;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
        rate_limit_cooldown: 1s
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

  private void assertParkedWithoutBlame(String id, String reason) {
    h.awaitStatus(id, Status.SCHEDULED, Duration.ofSeconds(20));
    Task t = h.task(id);
    assertThat(t.consecutiveFailures()).isZero();
    Run first = h.runs(id).get(0);
    assertThat(first.outcome()).isEqualTo(RunOutcome.SPAWN_FAILED);
    assertThat(first.error()).contains(reason);
    assertThat(h.events(id, EventKind.SPAWN_FAILED).get(0).payload()).contains("\"infrastructure\":true");
  }

  @Test
  void anUnwritableLogDirectoryIsNotCountedTheTaskWaitsForTheCooldownAndRunsOnceFixed() throws Exception {
    h = new GatewayHarness(home, CONFIG);
    Path logs = new KanbanHome(home).logsDir("default");
    Files.createDirectories(logs.getParent());
    Files.writeString(logs, "a file where the log directory should be");
    String id = h.create(withRetries(task("needs a log", "echo ran", "sh"), 0));
    assertParkedWithoutBlame(id, logs.toString());
    // Still failing after the cooldown: still not counted, never blocked (max_retries 0 would block at once).
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> h.runs(id).size() >= 3);
    assertThat(h.status(id)).isIn(Status.SCHEDULED, Status.READY, Status.RUNNING);
    assertThat(h.task(id).consecutiveFailures()).isZero();

    Files.delete(logs);
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(20));
    assertThat(h.runs(id).get(h.runs(id).size() - 1).outcome()).isEqualTo(RunOutcome.COMPLETED);
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }

  @Test
  void anUnwritableScratchRootIsNotCountedAndTheTaskRunsOnceFixed() throws Exception {
    h = new GatewayHarness(home, CONFIG);
    Path scratch = new KanbanHome(home).workspacesDir("default");
    Files.createDirectories(scratch.getParent());
    Files.writeString(scratch, "a file where the workspaces should be");
    String id = h.create(withRetries(task("needs a workspace", "echo ran", "sh"), 0));
    assertParkedWithoutBlame(id, scratch.toString());

    Files.delete(scratch);
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(20));
    assertThat(h.task(id).consecutiveFailures()).isZero();
  }

  @Test
  void aWorkspaceTheTaskNamesThatCannotBeCreatedCountsAndBlocksWithTheReason() throws Exception {
    h = new GatewayHarness(home, CONFIG);
    Path file = Files.writeString(home.resolve("not-a-dir"), "x");
    String id = h.create(GatewayHarness.withWorkspace(withRetries(task("bad dir", "echo ran", "sh"), 1),
        org.agentkanban.domain.Workspace.parse("dir:" + file.resolve("sub"))));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(20));
    assertThat(h.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.SPAWN_FAILED, RunOutcome.GAVE_UP);
    assertThat(h.task(id).blockReason()).contains("cannot create workspace directory").contains(file.toString());
  }
}
