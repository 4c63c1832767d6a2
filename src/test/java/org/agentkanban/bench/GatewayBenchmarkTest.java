package org.agentkanban.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kanban bench gateway --quick} runs end to end against a real {@code kanban serve} and real
 * workers, prints every row, and leaves nothing behind: no files, no gateway, no worker. Only the
 * shape of the report is checked; the speed targets are judged by reading a full run's table.
 */
class GatewayBenchmarkTest {
  @TempDir Path dir;

  @Test
  void aQuickRunPrintsEveryRowAndLeavesNoProcessOrFileBehind() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    boolean passed = new GatewayBenchmark(new BenchOptions(dir, true, false, 1, 1), new PrintStream(out, true, UTF_8),
        new PrintStream(progress, true, UTF_8)).run();

    String report = out.toString(UTF_8);
    assertThat(passed).as(report + progress.toString(UTF_8)).isTrue();
    assertThat(report)
        .containsPattern("\\| measurement +\\| +value \\| +baseline \\| +ratio \\| +target \\| +result \\|")
        .contains("ready → worker started, API p50 (ms)", "ready → worker started, API p99 (ms)")
        .contains("ready → worker started, CLI process p50 (ms)", "ready → worker started, CLI process p99 (ms)")
        .contains("ready → worker started, direct board write p99 (ms)", "kanban create invoked → worker started p99 (ms)")
        .contains("raw spawn of the worker command p50 (ms)", "raw spawn of the worker command p99 (ms)")
        .contains("worker SIGKILL → task ready again p50 (ms)", "worker SIGKILL → task ready again p99 (ms)")
        .contains("raw spawn-and-wait of 'true', 4 at a time (processes/s)", "end-to-end tasks/s, 10 tasks, 4 at a time")
        .contains("idle gateway, 10 boards: CPU (% of one core)", "idle gateway: RSS (MiB)", "idle gateway: of which JIT compiler threads")
        .contains("QUICK MODE", "directory " + dir.toAbsolutePath());
    assertThat(report).containsPattern("killed workers' tasks requeued, then done +\\| +2 of 2 \\|.*PASS \\|");
    assertThat(report).containsPattern("tasks done, each by exactly one run +\\| +10 of 10, 10 runs \\|.*PASS \\|");
    assertThat(report.lines().filter(l -> l.matches(".*\\| +(PASS|MISS) \\|"))).hasSize(7);
    assertThat(dir).isEmptyDirectory();
    assertThat(processesOf(dir)).as("processes with a KANBAN_HOME under " + dir).isEmpty();
  }

  /** Live processes whose environment names a home under {@code root}: the gateway, CLI calls, workers. */
  private static List<String> processesOf(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          String env = new String(Files.readAllBytes(p.resolve("environ")), UTF_8);
          String state = Files.readString(p.resolve("stat"));
          boolean zombie = state.substring(state.lastIndexOf(')') + 2).startsWith("Z");
          if (!zombie && env.contains("KANBAN_HOME=" + root.toAbsolutePath())) {
            found.add(p.getFileName() + " " + Files.readString(p.resolve("cmdline")).replace('\0', ' '));
          }
        } catch (IOException e) {
          // gone, or not ours to read
        }
      }
    }
    return found;
  }
}
