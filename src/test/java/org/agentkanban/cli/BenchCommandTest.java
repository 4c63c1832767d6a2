package org.agentkanban.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanban bench} parses its options and runs the store benchmark (in this JVM, quick mode). */
class BenchCommandTest {
  @TempDir Path home;
  @TempDir Path benchDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int kanban(String... args) {
    return Main.run(args, Map.of("KANBAN_HOME", home.toString()), new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8), new ByteArrayInputStream(new byte[0]), new ManualClock());
  }

  @Test
  void benchStoreQuickPrintsTheTableForTheGivenDirectory() {
    int exit = kanban("bench", "store", "--quick", "--dir", benchDir.toString());

    assertThat(exit).as(err.toString(UTF_8)).isZero();
    assertThat(out.toString(UTF_8)).contains("lifecycle commits/s (FULL)").contains("directory " + benchDir);
    assertThat(benchDir).isEmptyDirectory();
  }

  @Test
  void anUnknownBenchmarkIsAUsageError() {
    assertThat(kanban("bench", "network", "--quick", "--dir", benchDir.toString())).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(UTF_8)).contains("unknown benchmark 'network'; expected: store, gateway, crash");
  }

  @Test
  void aMissingDirectoryIsAUsageError() {
    assertThat(kanban("bench", "--dir", benchDir.resolve("nope").toString())).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(UTF_8)).contains("--dir must be an existing directory");
  }

  @Test
  void anUnknownCrashDrillIsAUsageError() {
    assertThat(kanban("bench", "crash", "--only", "nope", "--dir", benchDir.toString())).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(UTF_8)).contains("unknown crash drill 'nope'");
  }

  @Test
  void quickAndLongExcludeEachOther() {
    assertThat(kanban("bench", "crash", "--quick", "--long", "--dir", benchDir.toString())).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString(UTF_8)).contains("--quick and --long exclude each other");
  }
}
