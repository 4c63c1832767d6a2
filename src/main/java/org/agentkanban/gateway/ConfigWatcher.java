package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.agentkanban.config.KanbanConfig;
import org.agentkanban.domain.KanbanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code config.yaml} current without a restart: a {@code stat} every poll, a reload when
 * the modification time or size changed. A broken edit keeps the last good configuration and is
 * reported (log and health) until it is fixed.
 */
final class ConfigWatcher implements Supplier<KanbanConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Path file;
  private volatile KanbanConfig current;
  private volatile String problem;
  private long seenModified;
  private long seenSize;

  ConfigWatcher(Path file) {
    this.file = file;
    this.current = KanbanConfig.load(file);
    remember();
  }

  @Override
  public KanbanConfig get() {
    return current;
  }

  /** Null when the file on disk is the configuration in use. */
  String problem() {
    return problem;
  }

  /** @return true when a new configuration took effect */
  synchronized boolean reloadIfChanged() {
    long modified = 0;
    long size = -1;
    try {
      if (Files.exists(file)) {
        modified = Files.getLastModifiedTime(file).toMillis();
        size = Files.size(file);
      }
    } catch (IOException e) {
      return false;
    }
    if (modified == seenModified && size == seenSize) {
      return false;
    }
    seenModified = modified;
    seenSize = size;
    try {
      current = KanbanConfig.load(file);
      problem = null;
      LOG.info("reloaded {} ({} assignees)", file, current.assignees().size());
      return true;
    } catch (KanbanException e) {
      problem = e.getMessage();
      LOG.error("{}; keeping the previous configuration until it is fixed", e.getMessage());
      return false;
    }
  }

  private void remember() {
    try {
      seenModified = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
      seenSize = Files.exists(file) ? Files.size(file) : -1;
    } catch (IOException e) {
      seenModified = 0;
    }
  }
}
