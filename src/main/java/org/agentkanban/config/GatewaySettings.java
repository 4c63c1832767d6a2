package org.agentkanban.config;

import org.agentkanban.domain.KanbanException;

/**
 * The {@code gateway:} section of config.yaml. Defaults are named beside their setting.
 *
 * @param bind address the API listens on; loopback unless configured otherwise
 * @param maxWorkers live workers on this host across all boards
 * @param boardMaxWorkers live workers per board
 * @param safetyTickMs how often the reclaim phase runs even when nothing happens
 * @param pollIntervalMs how often other processes' writes are looked for (PRAGMA data_version)
 * @param leaseTtlMs a run's lease; renewed while its worker lives and by heartbeats
 * @param stopGraceMs between SIGTERM and SIGKILL when a worker must stop
 * @param rateLimitCooldownMs wait after a rate-limited run (exit 75) before the next attempt
 * @param logMaxBytes a run log is rotated (copied to .1 and truncated) past this size
 * @param backupIntervalMs how often a board that changed is backed up (0: never on a schedule)
 * @param backupKeep verified backups kept per board
 * @param autoRestore on damage, quarantine the database and restore the newest verified backup
 * @param checkpointWalBytes a PASSIVE checkpoint runs when the -wal grows past this
 */
public record GatewaySettings(
    String bind,
    int port,
    int maxWorkers,
    int boardMaxWorkers,
    long safetyTickMs,
    long pollIntervalMs,
    long leaseTtlMs,
    long stopGraceMs,
    long rateLimitCooldownMs,
    long logMaxBytes,
    long backupIntervalMs,
    int backupKeep,
    boolean autoRestore,
    long checkpointWalBytes) {

  public static final String BIND_DEFAULT = "127.0.0.1";
  public static final int PORT_DEFAULT = 7420;
  public static final int MAX_WORKERS_DEFAULT = 8;
  public static final int BOARD_MAX_WORKERS_DEFAULT = 8;
  /** A few seconds: the reclaim phase is also driven by events, this only catches what no event reports. */
  public static final long SAFETY_TICK_MS_DEFAULT = 5_000;
  /** Sub-second, so a CLI write without a gateway round trip is noticed quickly; a stat-cheap query. */
  public static final long POLL_INTERVAL_MS_DEFAULT = 250;
  /** Renewed every safety tick while the worker process lives, so it only matters when the gateway is gone. */
  public static final long LEASE_TTL_MS_DEFAULT = 2 * 60_000;
  public static final long STOP_GRACE_MS_DEFAULT = 10_000;
  public static final long RATE_LIMIT_COOLDOWN_MS_DEFAULT = 5 * 60_000;
  public static final long LOG_MAX_BYTES_DEFAULT = 10L << 20;
  public static final long BACKUP_INTERVAL_MS_DEFAULT = 5 * 60_000;
  public static final int BACKUP_KEEP_DEFAULT = 12;
  /** After a burst: well under the 16 MiB at which SQLite's own autocheckpoint would run. */
  public static final long CHECKPOINT_WAL_BYTES_DEFAULT = 8L << 20;

  public GatewaySettings {
    if (port < 0 || port > 65535) {
      throw KanbanException.invalid("gateway.port must be 0-65535, got " + port);
    }
    if (maxWorkers < 1) {
      throw KanbanException.invalid("gateway.max_workers must be at least 1");
    }
    if (boardMaxWorkers < 1) {
      throw KanbanException.invalid("gateway.board_max_workers must be at least 1");
    }
    if (pollIntervalMs < 10) {
      throw KanbanException.invalid("gateway.poll_interval must be at least 10ms");
    }
    if (leaseTtlMs < 3 * safetyTickMs) {
      throw KanbanException.invalid("gateway.lease_ttl must be at least three safety ticks ("
          + 3 * safetyTickMs + "ms) so a live worker's lease is renewed in time");
    }
    if (logMaxBytes < 4096) {
      throw KanbanException.invalid("gateway.log_max_bytes must be at least 4096");
    }
    if (backupIntervalMs < 0) {
      throw KanbanException.invalid("gateway.backup_interval must not be negative");
    }
    if (backupKeep < 1) {
      throw KanbanException.invalid("gateway.backup_keep must be at least 1");
    }
    if (checkpointWalBytes < 1 << 16) {
      throw KanbanException.invalid("gateway.checkpoint_wal_bytes must be at least 65536");
    }
  }

  public static GatewaySettings defaults() {
    return new GatewaySettings(BIND_DEFAULT, PORT_DEFAULT, MAX_WORKERS_DEFAULT, BOARD_MAX_WORKERS_DEFAULT,
        SAFETY_TICK_MS_DEFAULT, POLL_INTERVAL_MS_DEFAULT, LEASE_TTL_MS_DEFAULT, STOP_GRACE_MS_DEFAULT,
        RATE_LIMIT_COOLDOWN_MS_DEFAULT, LOG_MAX_BYTES_DEFAULT, BACKUP_INTERVAL_MS_DEFAULT, BACKUP_KEEP_DEFAULT, true,
        CHECKPOINT_WAL_BYTES_DEFAULT);
  }

  public boolean loopbackOnly() {
    return bind.equals("127.0.0.1") || bind.equals("::1") || bind.equals("localhost");
  }
}
