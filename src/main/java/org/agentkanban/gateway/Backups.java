package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.FileBackups;
import org.agentkanban.store.StoreTarget;
import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.wire.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking, rotating and restoring a board's backups, for the gateway (its schedule, auto-restore,
 * its API) and for the CLI when no gateway runs. Backups are made by SQLite and verified; a
 * restore first moves the damaged (or replaced) database aside, then puts the backup in place and
 * writes a {@code board_restored} event saying which changes were lost.
 */
public final class Backups {
  private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

  private Backups() {}

  /** What a restore did. */
  public record Restored(String board, Path backup, long backupCreatedAt, long lastEventIdKept, Path quarantinedTo,
      long tookMs) {}

  /** Takes a verified backup into the board's {@code backups/} and keeps the newest {@code keep}. */
  public static FileBackups.Backup take(FileBackups files, StoreTarget target, BoardRecovery recovery, int keep, long now) {
    Path dir = target.directory().resolve("backups");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreUnavailableException(StoreUnavailableException.Cause.IO, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    Path file = dir.resolve("board-" + STAMP.format(Instant.ofEpochMilli(now)) + ".db");
    FileBackups.Backup b = files.backupTo(file, now);
    rotate(keep, recovery.backups(target));
    return b;
  }

  static void rotate(int keep, List<BoardRecovery.BackupFile> newestFirst) {
    for (int i = keep; i < newestFirst.size(); i++) {
      Path f = newestFirst.get(i).file();
      try {
        Files.deleteIfExists(f.resolveSibling(f.getFileName() + ".json"));
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.warn("cannot delete old backup {}: {}", f, e.getMessage());
      }
    }
  }

  /**
   * {@code latest}, a file name in the board's backups, or (with {@code allowPaths}, for the local
   * CLI only) a path. Through the gateway's API a backup is only ever a name in the board's
   * {@code backups/}: a path there would let an API client make the gateway read any file.
   */
  public static BoardRecovery.BackupFile pick(BoardRecovery recovery, StoreTarget target, String spec, boolean allowPaths) {
    List<BoardRecovery.BackupFile> all = recovery.backups(target);
    if (spec == null || spec.equals("latest")) {
      return all.stream().findFirst().orElseThrow(() -> KanbanException.notFound(
          "board '" + target.slug() + "' has no verified backup in " + target.directory().resolve("backups")));
    }
    if (spec.isBlank() || spec.indexOf('\0') >= 0) {
      throw KanbanException.invalid("a backup is 'latest' or a file name from 'kanban backup --list'");
    }
    if (!allowPaths && (spec.contains("/") || spec.contains("\\") || spec.equals("..") || spec.equals("."))) {
      throw KanbanException.invalid("backup '" + spec + "' is not a file name: through the gateway a backup is "
          + "'latest' or a name from 'kanban backup --list --board " + target.slug() + "'");
    }
    Path p = Path.of(spec);
    Path resolved = p.isAbsolute() ? p : target.directory().resolve("backups").resolve(spec);
    return all.stream().filter(b -> b.file().equals(resolved.toAbsolutePath().normalize())).findFirst()
        .orElseGet(() -> {
          if (!Files.isRegularFile(resolved)) {
            throw KanbanException.notFound("no backup " + spec + " (looked for " + resolved + ")");
          }
          return new BoardRecovery.BackupFile(resolved, 0, 0, 0);
        });
  }

  /**
   * Replaces a board's database with a backup. The board must be closed in this process (the
   * caller closed its store); other processes holding it open are refused unless {@code force}.
   *
   * @param opener opens the restored board to record the restore
   */
  public static Restored restore(Boards boards, String slug, String spec, String cause, boolean refuseOtherHolders,
      boolean allowPaths, Clock clock) {
    long started = System.nanoTime();
    BoardRecovery recovery = boards.recovery().orElseThrow(() ->
        KanbanException.refused("board '" + slug + "' is not kept in local files; restore it with its database's tools"));
    StoreTarget target = boards.target(slug);
    BoardRecovery.BackupFile backup = pick(recovery, target, spec, allowPaths);
    List<Long> holders = recovery.otherHolders(target);
    if (refuseOtherHolders && !holders.isEmpty()) {
      throw KanbanException.refused("board '" + slug + "' is open in process(es) " + holders
          + "; stop them (a running gateway restores through 'kanban restore' itself) and try again");
    }
    Optional<Path> quarantined = Optional.empty();
    if (boards.exists(slug)) {
      quarantined = recovery.quarantine(target, clock.now());
    }
    recovery.restore(target, backup.file());
    long lastKept = backup.lastEventId();
    try (LocalBoardService service = boards.open(slug, BoardListener.NONE)) {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("backup", backup.file().toString());
      payload.put("backup_created_at", backup.createdAt());
      payload.put("last_event_id_kept", lastKept);
      payload.put("lost", "every change after the backup was taken (events after #" + lastKept + ")");
      payload.put("lost_from", backup.createdAt());
      payload.put("lost_until", clock.now());
      payload.put("quarantined_to", quarantined.map(Path::toString).orElse(null));
      payload.put("cause", cause);
      service.store().write(tx -> tx.eventAppend(new Event(0, null, null, EventKind.BOARD_RESTORED, "kanban",
          Json.object(payload), clock.now())));
    }
    LOG.info("board '{}' restored from {} (changes after event #{} lost)", slug, backup.file(), lastKept);
    return new Restored(slug, backup.file(), backup.createdAt(), lastKept, quarantined.orElse(null),
        (System.nanoTime() - started) / 1_000_000);
  }

}
