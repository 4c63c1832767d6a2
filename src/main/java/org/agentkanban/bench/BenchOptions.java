package org.agentkanban.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.domain.KanbanException;

/**
 * What every benchmark suite is given.
 *
 * @param dir where temporary homes and boards go; the file system being measured
 * @param quick tiny sizes, for tests: the numbers mean nothing
 * @param longMode the long soak/torture sizes of the issues (minutes to hours)
 * @param seconds measuring time per rate, where a suite measures rates
 * @param tasks tasks on a big board, where a suite builds one
 */
public record BenchOptions(Path dir, boolean quick, boolean longMode, double seconds, int tasks) {
  public BenchOptions {
    if (dir == null || !Files.isDirectory(dir)) {
      throw KanbanException.invalid("--dir must be an existing directory, got " + dir);
    }
    if (quick && longMode) {
      throw KanbanException.invalid("--quick and --long exclude each other");
    }
  }
}
