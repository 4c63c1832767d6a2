package org.agentkanban.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The damages of the crash-safety torture suite, each written to a board's files by a SEPARATE
 * process ({@code dd}, {@code truncate}, {@code python3}, {@code rm}): a JVM that holds a
 * connection to the board must never open its files itself (sqlite-rules.md rule 1), and a
 * separate process is also what damage looks like in the field.
 */
public enum Damage {
  /** Bytes 5..28 of the header (page size, format versions, payload fractions, change counter) zeroed. */
  HEADER("overwrite header bytes 5..28"),
  /** The file cut to its first four pages: the tables' pages are gone. */
  TRUNCATE("truncate the file to 4 pages"),
  /** The root page of the dispatch index ({@code tasks_by_status_in_dispatch_order}) zeroed. */
  INDEX_PAGE("zero an index page"),
  /** The {@code -wal} file removed. */
  DELETE_WAL("delete the -wal");

  /** The index whose page {@link #INDEX_PAGE} zeroes: every dispatch pass reads it. */
  public static final String INDEX = "tasks_by_status_in_dispatch_order";
  /** Bytes {@link #TRUNCATE} keeps: four 4 KiB pages (the header and the first tables). */
  public static final long TRUNCATED_SIZE = 4 * 4096;

  /** Finds the index's root page with its own read-only connection, closes it, then zeroes the page. */
  private static final String ZERO_INDEX_PAGE = """
      import sqlite3, sys
      db, index = sys.argv[1], sys.argv[2]
      c = sqlite3.connect('file:' + db + '?mode=ro', uri=True)
      page_size = c.execute('PRAGMA page_size').fetchone()[0]
      root = c.execute('SELECT rootpage FROM sqlite_schema WHERE name = ?', (index,)).fetchone()[0]
      c.close()
      with open(db, 'r+b') as f:
          f.seek((root - 1) * page_size)
          f.write(bytes(page_size))
      print(root)
      """;

  private final String description;

  Damage(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The command that writes this damage to {@code db} (a board's {@code board.db}). */
  public List<String> command(Path db) {
    return switch (this) {
      case HEADER -> List.of("dd", "if=/dev/zero", "of=" + db, "bs=1", "seek=5", "count=24", "conv=notrunc", "status=none");
      case TRUNCATE -> List.of("truncate", "-s", Long.toString(TRUNCATED_SIZE), db.toString());
      case INDEX_PAGE -> List.of("python3", "-c", ZERO_INDEX_PAGE, db.toString(), INDEX);
      case DELETE_WAL -> List.of("rm", "-f", db.resolveSibling(db.getFileName() + "-wal").toString());
    };
  }

  /**
   * Writes the damage by running {@link #command} as a separate process.
   *
   * @return what the command printed (the zeroed page number for {@link #INDEX_PAGE})
   * @throws IllegalStateException when the command is missing or fails
   */
  public String apply(Path db) {
    try {
      Process p = new ProcessBuilder(command(db)).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(wire() + ": the damage command did not finish");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(wire() + ": " + String.join(" ", command(db).subList(0, 1)) + " exited with "
            + p.exitValue() + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(wire() + ": cannot run " + command(db).get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Whether the tool this damage needs is on the PATH (python3 for {@link #INDEX_PAGE}). */
  public boolean available() {
    String tool = command(Path.of("x")).get(0);
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
