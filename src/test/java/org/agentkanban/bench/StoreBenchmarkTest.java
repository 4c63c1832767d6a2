package org.agentkanban.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness runs end to end. Only the shape of its report is checked: speed targets
 * are judged by people reading the table of a full run, never by a timed test.
 */
class StoreBenchmarkTest {
  @TempDir Path dir;

  @Test
  void aQuickRunPrintsEveryRowOfTheTableAndRemovesItsFiles() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    new StoreBenchmark(StoreBenchmark.Options.quick(dir), new PrintStream(out, true, UTF_8),
        new PrintStream(progress, true, UTF_8)).run();

    String report = out.toString(UTF_8);
    assertThat(report)
        .containsPattern("\\| measurement +\\| +value \\| +baseline \\| +ratio \\| +target \\| +result \\|")
        .contains("raw commits/s (FULL)", "lifecycles/s (FULL)", "lifecycle commits/s (FULL)")
        .contains("raw commits/s (NORMAL)", "lifecycles/s (NORMAL)", "lifecycle commits/s (NORMAL)")
        .contains("bulk load of 2,000 tasks (s)")
        .contains("list --status ready --limit 50 p50 (ms)", "list --status ready --limit 50 p99 (ms)")
        .contains("show, 20 of 1,000 events p50 (ms)", "show, 20 of 1,000 events p99 (ms)")
        .contains("show, all 1,000 events p50 (ms)", "show, all 1,000 events p99 (ms)")
        .contains("SQLite 3.", "directory " + dir.toAbsolutePath(), "QUICK MODE");
    assertThat(report.lines().filter(l -> l.matches(".*\\| +(PASS|MISS) \\|"))).hasSize(5);
    assertThat(progress.toString(UTF_8)).contains("bench: loading 2,000 tasks");
    assertThat(dir).isEmptyDirectory();
  }
}
