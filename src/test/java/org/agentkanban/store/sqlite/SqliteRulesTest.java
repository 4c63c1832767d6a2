package org.agentkanban.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite rules of docs/CRASH-SAFETY.md that are checked at start or hold by construction:
 * a native SQLite with the WAL-reset fix, exactly one SQLite library (a second one on the class
 * path stops {@code kanban serve}), every ResultSet closed, the journal mode only ever set when a
 * board is created, and no checkpoint mode that would wait for or reset under other writers.
 */
class SqliteRulesTest {
  private static final Path MAIN_SOURCES = Path.of("src/main/java");

  @TempDir Path dir;

  @Test
  void onlySqliteBuildsWithTheWalResetFixAreAccepted() {
    for (String fixed : List.of("3.51.3", "3.51.4", "3.52.0", "3.54.1", "4.0.0", "3.50.7", "3.50.9", "3.44.6", "3.44.7")) {
      assertThat(SqliteEnvironment.hasWalResetFix(fixed)).as(fixed).isTrue();
    }
    for (String broken : List.of("3.51.2", "3.51.0", "3.50.6", "3.50.0", "3.45.0", "3.46.1", "3.44.5", "3.7.0", "3.40.1")) {
      assertThat(SqliteEnvironment.hasWalResetFix(broken)).as(broken).isFalse();
    }
    assertThat(SqliteEnvironment.hasWalResetFix(SqliteEnvironment.nativeVersion())).as("the bundled native SQLite").isTrue();
    assertThat(SqliteEnvironment.sqliteLibraries()).hasSize(1);
    SqliteEnvironment.requireSafe();
  }

  @Test
  void aSecondSqliteLibraryOnTheClassPathStopsTheGatewayFromStarting() throws Exception {
    String classPath = KanbanCli.classPath();
    Path original = Stream.of(classPath.split(File.pathSeparator)).map(Path::of)
        .filter(p -> p.getFileName().toString().startsWith("sqlite-jdbc")).findFirst().orElseThrow();
    Path copy = dir.resolve("another-sqlite-jdbc.jar");
    Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
    Path home = Files.createDirectories(dir.resolve("home"));

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath + File.pathSeparator + copy, "org.agentkanban.cli.Main", "serve", "--port", "0"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("KANBAN_HOME", home.toString());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kanban serve refuses at once").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isEqualTo(5);
    assertThat(output).contains("more than one SQLite library").contains(copy.toString()).doesNotContain("\tat ");
    assertThat(home.resolve("gateway.json")).doesNotExist();
  }

  private static List<Path> mainSources() throws Exception {
    try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  @Test
  void everyResultSetIsOpenedInATryWithResourcesHeader() throws Exception {
    List<String> unclosed = new ArrayList<>();
    int seen = 0;
    for (Path f : mainSources()) {
      String src = Files.readString(f);
      int at = -1;
      while ((at = src.indexOf("executeQuery(", at + 1)) >= 0) {
        seen++;
        // Inside a resource header: the nearest "try (" before it, and no block opened in between.
        int tryAt = src.lastIndexOf("try (", at);
        boolean inHeader = tryAt >= 0 && !src.substring(tryAt, at).contains(") {");
        if (!inHeader) {
          unclosed.add(f + " at offset " + at);
        }
      }
      assertThat(src).as(f + ": a ResultSet taken from a statement is closed by nobody").doesNotContain("getResultSet(");
    }
    assertThat(seen).isGreaterThan(5);
    assertThat(unclosed).as("a ResultSet left open pins a read snapshot and the WAL").isEmpty();
  }

  @Test
  void theJournalModeIsSetOnlyWhenABoardIsCreatedAndNoCheckpointWaitsForOrResetsUnderWriters() throws Exception {
    List<String> setsJournalMode = new ArrayList<>();
    List<String> blockingCheckpoints = new ArrayList<>();
    for (Path f : mainSources()) {
      String src = Files.readString(f).replace(" ", "").toLowerCase(java.util.Locale.ROOT);
      if (src.contains("journal_mode=")) {
        setsJournalMode.add(f.getFileName().toString());
      }
      for (String mode : List.of("wal_checkpoint(truncate)", "wal_checkpoint(restart)", "wal_checkpoint(full)")) {
        if (src.contains(mode)) {
          blockingCheckpoints.add(f.getFileName() + ": " + mode);
        }
      }
    }
    // Each sets WAL on a file that is not yet live: a new board under its init lock, a restored
    // copy before it is moved into place, the store benchmark's own scratch file.
    assertThat(setsJournalMode).containsExactlyInAnyOrder("SqliteStore.java", "SqliteRecovery.java", "RawCommits.java");
    String store = Files.readString(MAIN_SOURCES.resolve("org/agentkanban/store/sqlite/SqliteStore.java"));
    int set = store.indexOf("PRAGMA journal_mode=WAL");
    assertThat(store.lastIndexOf("private void createUnderInitFileLock", set)).isPositive();
    assertThat(store.indexOf("PRAGMA journal_mode=WAL", set + 1)).isNegative();
    assertThat(blockingCheckpoints).isEmpty();
  }
}
