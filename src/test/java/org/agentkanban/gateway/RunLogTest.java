package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's output goes to its run log, rotated (copied to {@code .1}, truncated) once it grows
 * past {@code gateway.log_max_bytes} while the worker keeps appending; {@code kanban logs} prints
 * it and {@code --follow} keeps printing until the run ends.
 */
class RunLogTest {
  @TempDir Path home;
  private GatewayHarness h;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
        log_max_bytes: 4096
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
  void aLogPastLogMaxBytesIsRotatedWhileTheWorkerRunsAndKanbanLogsFollowsItToTheEnd() throws Exception {
    h = GatewayHarness.setup(home, CONFIG).api().start();
    String id = h.shell("sh", """
        i=0
        while [ $i -lt 200 ]; do echo "early line $i of the worker's output, padded to be long"; i=$((i+1)); done
        while [ ! -e go ]; do sleep 0.1; done
        echo "written after rotation"
        while [ ! -e go2 ]; do sleep 0.1; done
        echo "the last line"
        """);
    Run run = h.awaitWorker(id);
    Path log = h.logs(id).resolve(run.id() + ".log");
    Path rotated = h.logs(id).resolve(run.id() + ".log.1");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(rotated));
    assertThat(Files.readString(rotated)).contains("early line 0 of").contains("early line 199 of");
    assertThat(Files.size(log)).isLessThan(4096);

    Path ws = Path.of(run.workspacePath());
    Files.writeString(ws.resolve("go"), "");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("written after rotation"));
    assertThat(Files.readString(log)).doesNotContain("early line");

    Process follow = h.cli().start("logs", id, "--follow");
    try {
      StringBuilder seen = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          byte[] buf = new byte[4096];
          int n;
          while ((n = follow.getInputStream().read(buf)) > 0) {
            synchronized (seen) {
              seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
          }
        } catch (java.io.IOException e) {
          // ended
        }
      });
      reader.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        synchronized (seen) {
          return seen.toString().contains("written after rotation");
        }
      });
      Files.writeString(ws.resolve("go2"), "");
      assertThat(follow.waitFor(30, TimeUnit.SECONDS)).as("--follow ends with the run").isTrue();
      reader.join(5_000);
      assertThat(follow.exitValue()).isZero();
      assertThat(seen.toString()).contains("written after rotation").contains("the last line");
    } finally {
      follow.destroyForcibly();
    }
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(10));
    KanbanCli.Result printed = h.cli().run("logs", id);
    assertThat(printed.exit()).as(printed.toString()).isZero();
    assertThat(printed.out()).contains("written after rotation").contains("the last line");
    assertThat(h.runs(id).get(0).summary()).startsWith("the last line");
  }
}
