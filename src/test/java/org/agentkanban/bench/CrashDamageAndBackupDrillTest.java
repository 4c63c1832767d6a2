package org.agentkanban.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick modes of {@code kanban bench crash --only damage,backup} run here, so the drills cannot
 * rot: every damage against a real gateway process, and a backup of a 2,000-task board.
 */
class CrashDamageAndBackupDrillTest {
  @TempDir Path dir;

  @Test
  void quickDamageAndBackupDrillsPassAndPrintTheirFigures() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    boolean passed = new CrashBenchmark(new BenchOptions(dir, true, false, 1, 100_000), Set.of("damage", "backup"),
        new PrintStream(out, true, UTF_8), new PrintStream(progress, true, UTF_8)).run();
    String table = out.toString(UTF_8);

    assertThat(passed).as(table + progress.toString(UTF_8)).isTrue();
    assertThat(table).contains("damage header: detected").contains("damage truncate: damage to dispatch resumed")
        .contains("damage header: quarantine copies").contains("damage delete-wal: loss window")
        .contains("dispatcher tick").contains("backup: size of the copy (MB)")
        .contains("backup: copy verified and holds every task");
    assertThat(dir).isEmptyDirectory();
  }
}
