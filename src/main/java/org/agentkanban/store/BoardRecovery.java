package org.agentkanban.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * File-level recovery of a board kept in local files: listing its verified backups, moving a
 * damaged database aside and putting a backup in its place. Every method requires that no
 * connection to the board is open in this process (the caller closed its store first): only then
 * may its files be read, moved or replaced.
 */
public interface BoardRecovery {

  /** A backup file with what its sidecar recorded when it was verified. */
  record BackupFile(Path file, long createdAt, long bytes, long lastEventId) {}

  /** Verified backups of a board, newest first. */
  List<BackupFile> backups(StoreTarget target);

  /**
   * Moves the board's database files aside into {@code quarantine/}, keeping one copy per distinct
   * damage (identified by a hash of the files) and at most a few copies in all.
   *
   * @return where the files went, or empty when an identical copy already existed (the files were
   *     then removed, not copied again)
   */
  Optional<Path> quarantine(StoreTarget target, long now);

  /** Puts {@code backup} in place as the board's database (after verifying it again). */
  void restore(StoreTarget target, Path backup);

  /** Process ids (other than this one) that have the board's database files open, from /proc. */
  List<Long> otherHolders(StoreTarget target);
}
