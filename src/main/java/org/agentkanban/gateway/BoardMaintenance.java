package org.agentkanban.gateway;

import org.agentkanban.config.GatewaySettings;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.FileBackups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's care of one board's files, as their single owner: PASSIVE checkpoints after a
 * burst, when the board is idle, and every half minute on a board that never is (so the WAL stays
 * bounded even with readers attached), and
 * verified online backups on a schedule while the board changes, rotated to a bounded number.
 * Called from the gateway's housekeeping thread; backups may take a while and run on their own.
 */
final class BoardMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(BoardMaintenance.class);
  /** Quiet for this long means idle: a checkpoint then costs no writer anything. */
  static final long IDLE_MS = 2_000;
  /** Even when idle, no more than one checkpoint this often. */
  static final long MIN_CHECKPOINT_GAP_MS = 10_000;
  /**
   * A board that is never quiet for two seconds (a steady trickle of writes) still gets a
   * checkpoint this often once its WAL passes {@link #STEADY_WAL_BYTES}: PASSIVE blocks no writer,
   * and without it such a WAL would grow to the burst threshold before it is ever reset.
   */
  static final long STEADY_CHECKPOINT_MS = 30_000;
  static final long STEADY_WAL_BYTES = 1L << 20;

  /** After a board was found unchanged since its last backup, it is read again no sooner than this. */
  static final long UNCHANGED_RECHECK_MS = 10_000;

  private final String slug;
  private final FileBackups files;
  private long lastChangeSeenAt;
  private long lastCounter = Long.MIN_VALUE;
  private long lastCheckpointAt;
  private volatile long walHighWater;
  private long lastBackupAt;
  private long lastBackupEventId = -1;
  private long unchangedSeenAt = Long.MIN_VALUE / 2;
  private FileBackups.Backup lastBackup;
  private volatile long checkpoints;
  private boolean walSeen;
  private String probedStamp;
  private long lastDescriptorScanAt = Long.MIN_VALUE / 2;

  /**
   * While the {@code -wal} is where it belongs, the process's descriptors are read no more often
   * than this (a deleted and recreated WAL is the only case the stat misses).
   */
  static final long DESCRIPTOR_SCAN_MS = 30_000;

  BoardMaintenance(String slug, FileBackups files, long now) {
    this.slug = slug;
    this.files = files;
    this.lastChangeSeenAt = now;
    this.lastBackupAt = now;
  }

  /** Notes the board's change counter; a change means it is busy right now. */
  void observe(long changeCounter, long now) {
    if (changeCounter != lastCounter) {
      lastCounter = changeCounter;
      lastChangeSeenAt = now;
    }
  }

  /**
   * Whether someone deleted the {@code -wal} this gateway has open: one of this process's
   * descriptors points at it as "(deleted)" ({@code readlink} of {@code /proc/self/fd}, which opens
   * nothing). SQLite never deletes the WAL while a connection is open, so someone else did. Where
   * {@code /proc} is missing: the -wal was seen before and is gone from the directory now.
   */
  boolean walDeleted(long now) {
    java.nio.file.Path db = files.databaseFile();
    java.nio.file.Path wal = db.resolveSibling(db.getFileName() + "-wal");
    // A stat first: SQLite keeps the -wal while a connection is open, so a present one is the
    // normal case and the descriptors need not be read every second for every board.
    if (java.nio.file.Files.exists(wal) && now - lastDescriptorScanAt < DESCRIPTOR_SCAN_MS) {
      walSeen = true;
      return false;
    }
    lastDescriptorScanAt = now;
    java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
    if (java.nio.file.Files.isDirectory(fds)) {
      String deleted = wal + " (deleted)";
      try (var list = java.nio.file.Files.newDirectoryStream(fds)) {
        for (java.nio.file.Path fd : list) {
          try {
            if (java.nio.file.Files.readSymbolicLink(fd).toString().equals(deleted)) {
              return true;
            }
          } catch (java.io.IOException | SecurityException ignored) {
            // closed meanwhile
          }
        }
      } catch (java.io.IOException | SecurityException e) {
        return false;
      }
      return false;
    }
    boolean exists = java.nio.file.Files.exists(wal);
    if (exists) {
      walSeen = true;
      return false;
    }
    return walSeen;
  }

  /**
   * See {@link FileBackups#probe()}; only when the database file changed since the last probe
   * (size, modification and change time, inode: a stat). Damage is written to the file, so it
   * changes them; an idle board's file does not change, and is not opened again every second.
   */
  void probe() {
    String stamp = fileStamp(files.databaseFile());
    if (stamp != null && stamp.equals(probedStamp)) {
      return;
    }
    files.probe();
    probedStamp = stamp;
  }

  private static String fileStamp(java.nio.file.Path file) {
    try {
      var a = java.nio.file.Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino");
      return a.get("size") + "/" + a.get("lastModifiedTime") + "/" + a.get("ctime") + "/" + a.get("ino");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      try {
        var a = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        return a.size() + "/" + a.lastModifiedTime();
      } catch (java.io.IOException io) {
        return null;
      }
    } catch (java.io.IOException e) {
      return null; // gone or unreadable: probe, and let SQLite say what is wrong
    }
  }

  /** A PASSIVE checkpoint now, whatever the schedule (after the WAL was deleted under the gateway). */
  FileBackups.Checkpoint checkpointAll() {
    checkpoints++;
    return files.checkpointPassive();
  }

  /** Checkpoints when the WAL grew past the threshold, or when the board went quiet. */
  FileBackups.Checkpoint maybeCheckpoint(GatewaySettings g, long now) {
    long wal = files.walBytes();
    walHighWater = Math.max(walHighWater, wal);
    boolean burst = wal >= g.checkpointWalBytes();
    boolean idle = wal > 0 && now - lastChangeSeenAt >= IDLE_MS && now - lastCheckpointAt >= MIN_CHECKPOINT_GAP_MS;
    boolean steady = wal >= STEADY_WAL_BYTES && now - lastCheckpointAt >= STEADY_CHECKPOINT_MS;
    if (!burst && !idle && !steady) {
      return null;
    }
    lastCheckpointAt = now;
    checkpoints++;
    return files.checkpointPassive();
  }

  /**
   * Whether a scheduled backup is due: the interval passed and the board changed since the last
   * one. {@code lastEventId} reads the board, so it is called only when the interval has passed,
   * and for a board found unchanged no more than once per {@link #UNCHANGED_RECHECK_MS}: an idle
   * gateway does not read its boards every second.
   */
  boolean backupDue(GatewaySettings g, long now, java.util.function.LongSupplier lastEventId) {
    if (g.backupIntervalMs() == 0 || now - lastBackupAt < g.backupIntervalMs()
        || now - unchangedSeenAt < Math.min(UNCHANGED_RECHECK_MS, g.backupIntervalMs())) {
      return false;
    }
    if (lastEventId.getAsLong() == lastBackupEventId) {
      unchangedSeenAt = now;
      return false;
    }
    return true;
  }

  /** Takes a verified backup into {@code backups/} and rotates old ones away. */
  FileBackups.Backup backup(GatewaySettings g, long now, BoardRecovery recovery, org.agentkanban.store.StoreTarget target) {
    FileBackups.Backup b = Backups.take(files, target, recovery, g.backupKeep(), now);
    lastBackupAt = now;
    lastBackupEventId = b.lastEventId();
    lastBackup = b;
    LOG.info("backed up board '{}' to {} ({} bytes in {} ms, verified)", slug, b.file(), b.bytes(), b.tookMs());
    return b;
  }

  boolean changedSinceBackup(long lastEventId) {
    return lastEventId != lastBackupEventId;
  }

  long walHighWater() {
    return walHighWater;
  }

  long checkpoints() {
    return checkpoints;
  }

  FileBackups.Backup lastBackup() {
    return lastBackup;
  }
}
