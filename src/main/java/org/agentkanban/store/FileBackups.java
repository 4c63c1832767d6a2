package org.agentkanban.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What a store kept in a local file offers for crash safety: online backups made by the database
 * itself (never a file copy of a live database), integrity checks, and WAL checkpoints by one owner.
 */
public interface FileBackups {

  /** A verified copy: where, how big, how long it took, the board's last event id inside it. */
  record Backup(Path file, long bytes, long tookMs, long lastEventId, long createdAt) {}

  /** An integrity check's verdict: {@code ok}, or SQLite's first complaints. */
  record Integrity(boolean ok, List<String> problems) {}

  /** A checkpoint's result: WAL frames in the log, and how many reached the database. */
  record Checkpoint(boolean busy, long logFrames, long checkpointedFrames) {}

  /**
   * Writes a consistent copy of the live database to {@code target} (which must not exist)
   * through SQLite ({@code VACUUM INTO}), then verifies the copy with {@code integrity_check} on a
   * connection of its own. A copy that fails verification is deleted and reported as an error.
   */
  Backup backupTo(Path target, long now);

  /**
   * Opens a connection of its own and reads the schema (page 1 and the schema pages, fresh from
   * the file): damage to the header or the schema is seen within one call even while the board's
   * long-lived connections still hold those pages in their cache. Cheap enough to run every second.
   *
   * @throws StoreUnavailableException when SQLite reports the damage
   */
  void probe();

  /**
   * Writes a copy of the live database through SQLite ({@code VACUUM INTO}) WITHOUT verifying it
   * and without recording it as a backup: the copy taken before a repair keeps the board exactly
   * as it was, index damage included (VACUUM copies index pages as they are), so it can never pass
   * the verification a restorable backup needs.
   *
   * @return the copy's size in bytes
   */
  long copyAsIsTo(Path target);

  /** {@code PRAGMA quick_check}: cheap, catches most damage; run when a gateway opens a board. */
  Integrity quickCheck();

  /** {@code PRAGMA integrity_check}: complete; for {@code doctor} and backups. */
  Integrity integrityCheck();

  /** A PASSIVE checkpoint: never waits for readers or writers, never truncates under them. */
  Checkpoint checkpointPassive();

  /** The size of the {@code -wal} file (a stat), 0 when there is none. */
  long walBytes();

  /** The database file itself. */
  Path databaseFile();

  /** The journal mode as the database reports it (read only; never changed on a live database). */
  String journalMode();

  /** Rebuilds every index from its table: repairs index-only damage. Take a backup first. */
  void reindex();
}
