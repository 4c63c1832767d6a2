package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.DispatchOperations;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ManagedDirectories;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.FileBackups;
import org.agentkanban.store.StoreTarget;
import org.agentkanban.store.sqlite.SqliteEnvironment;

/**
 * {@code kanban doctor}: looks at everything that can go wrong around a board and says what it
 * found and what to do. With {@code repair}, fixes what is safe to fix: index-only damage (REINDEX,
 * after a backup), scratch workspaces of tasks that are gone, worker processes whose run has
 * ended, runs whose worker died while no gateway watched. It reads the database only through
 * SQLite; file checks are {@code stat}s.
 */
public final class Doctor {
  /** How bad a finding is. */
  public enum Level {
    OK,
    WARN,
    PROBLEM,
    REPAIRED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One line of the report. {@code board} is null for checks of the host. */
  public record Finding(String board, String check, Level level, String detail, String fix) {}

  static final long WAL_WARN_BYTES = 64L << 20;
  static final long BACKUP_STALE_MS = 24 * 3_600_000L;

  private final KanbanHome home;
  private final Boards boards;
  private final Clock clock;

  public Doctor(KanbanHome home, Boards boards, Clock clock) {
    this.home = home;
    this.boards = boards;
    this.clock = clock;
  }

  /**
   * @param gatewayLive a gateway owns the boards: runs and workers are its business, and repairs
   *     that write must go through it
   */
  public List<Finding> examine(List<String> slugs, boolean repair, boolean gatewayLive) {
    if (repair && gatewayLive) {
      throw KanbanException.refused("a gateway is running for " + home.root() + "; stop it ('kanban gateway stop') "
          + "before 'kanban doctor --repair' (it restores damaged boards by itself when auto_restore is on)");
    }
    List<Finding> out = new ArrayList<>();
    host(out);
    for (String slug : slugs) {
      board(slug, repair, gatewayLive, out);
    }
    return out;
  }

  private void host(List<Finding> out) {
    String version = SqliteEnvironment.nativeVersion();
    out.add(SqliteEnvironment.hasWalResetFix(version)
        ? new Finding(null, "sqlite version", Level.OK, "native SQLite " + version + " (has the WAL-reset fix)", null)
        : new Finding(null, "sqlite version", Level.PROBLEM, "native SQLite " + version + " has the WAL-reset bug",
            "use sqlite-jdbc 3.51.3.0 or newer"));
    List<String> libs = SqliteEnvironment.sqliteLibraries();
    out.add(libs.size() == 1
        ? new Finding(null, "sqlite library", Level.OK, "one SQLite library: " + libs.get(0), null)
        : new Finding(null, "sqlite library", Level.PROBLEM, libs.size() + " SQLite libraries: " + libs,
            "keep exactly one sqlite-jdbc on the class path"));
  }

  private void board(String slug, boolean repair, boolean gatewayLive, List<Finding> out) {
    StoreTarget target = boards.target(slug);
    SqliteEnvironment.mountOf(target.directory()).ifPresent(m -> out.add(m.isNetwork()
        ? new Finding(slug, "file system", Level.PROBLEM, target.directory() + " is on " + m.type() + " (" + m.source() + ")",
            "move $KANBAN_HOME to a local disk: SQLite's WAL needs one host's shared memory")
        : new Finding(slug, "file system", Level.OK, m.type() + " at " + m.mountPoint(), null)));
    BoardRecovery recovery = boards.recovery().orElse(null);
    LocalBoardService service;
    try {
      service = boards.open(slug, BoardListener.NONE);
    } catch (KanbanException e) {
      out.add(new Finding(slug, "open", Level.PROBLEM, e.getMessage(), restoreHint(slug, recovery, target)));
      return;
    }
    try (service) {
      String hint = restoreHint(slug, recovery, target);
      if (service.store() instanceof FileBackups files) {
        guarded(slug, "integrity", hint, out, () -> files(slug, files, repair, recovery, target, out));
      }
      backups(slug, recovery, target, out);
      guarded(slug, "runs", hint, out, () -> runs(slug, service, repair, gatewayLive, out));
      guarded(slug, "workspaces", hint, out, () -> workspaces(slug, service, repair, out));
      guarded(slug, "processes", hint, out, () -> processes(slug, service, repair, out));
    }
  }

  /**
   * A check that reads the board: damage it runs into becomes a finding with the way out, and the
   * remaining checks still run (a report that stops at the first damaged page helps no one).
   */
  private static void guarded(String slug, String check, String fix, List<Finding> out, Runnable work) {
    try {
      work.run();
    } catch (KanbanException e) {
      out.add(new Finding(slug, check, Level.PROBLEM, e.getMessage(), fix));
    }
  }

  private void files(String slug, FileBackups files, boolean repair, BoardRecovery recovery, StoreTarget target,
      List<Finding> out) {
    String mode = files.journalMode();
    out.add("wal".equalsIgnoreCase(mode)
        ? new Finding(slug, "journal mode", Level.OK, "wal", null)
        : new Finding(slug, "journal mode", Level.PROBLEM, mode, "restore a backup; never switch a live board's mode"));
    long wal = files.walBytes();
    out.add(wal > WAL_WARN_BYTES
        ? new Finding(slug, "wal size", Level.WARN, wal + " bytes", "a reader may be pinning the WAL; the gateway checkpoints when idle")
        : new Finding(slug, "wal size", Level.OK, wal + " bytes", null));
    FileBackups.Integrity integrity = files.integrityCheck();
    if (integrity.ok()) {
      out.add(new Finding(slug, "integrity", Level.OK, "integrity_check: ok", null));
      return;
    }
    boolean indexOnly = integrity.problems().stream().allMatch(Doctor::indexOnly);
    if (repair && indexOnly) {
      Path before = target.directory().resolve("backups").resolve("before-reindex-" + clock.now() + ".db");
      try {
        Files.createDirectories(before.getParent());
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot create " + before.getParent() + ": " + e.getMessage(), e);
      }
      // A copy of the board as it is (index damage included, so it is not a verified backup and
      // restore never picks it): REINDEX rewrites pages, and this keeps what it replaced.
      files.copyAsIsTo(before);
      files.reindex();
      FileBackups.Integrity after = files.integrityCheck();
      out.add(after.ok()
          ? new Finding(slug, "integrity", Level.REPAIRED, "index damage repaired by REINDEX (the board as it was: " + before + ")", null)
          : new Finding(slug, "integrity", Level.PROBLEM, String.join("; ", after.problems()), restoreHint(slug, recovery, target)));
      return;
    }
    out.add(new Finding(slug, "integrity", Level.PROBLEM, String.join("; ", integrity.problems()),
        indexOnly ? "only indexes are damaged: 'kanban doctor --repair' rebuilds them" : restoreHint(slug, recovery, target)));
  }

  static boolean indexOnly(String problem) {
    return problem.startsWith("wrong # of entries in index") || problem.matches("row \\d+ missing from index .*")
        || problem.contains("missing from index");
  }

  private String restoreHint(String slug, BoardRecovery recovery, StoreTarget target) {
    if (recovery == null || recovery.backups(target).isEmpty()) {
      return "no verified backup exists; keep the file for forensics and create a new board";
    }
    return "'kanban restore latest --board " + slug + "' (newest verified backup: "
        + recovery.backups(target).get(0).file().getFileName() + ")";
  }

  private void backups(String slug, BoardRecovery recovery, StoreTarget target, List<Finding> out) {
    if (recovery == null) {
      return;
    }
    var list = recovery.backups(target);
    if (list.isEmpty()) {
      out.add(new Finding(slug, "backups", Level.WARN, "no verified backup", "'kanban backup --board " + slug
          + "' (a running gateway backs up every 5 minutes while the board changes)"));
      return;
    }
    long age = clock.now() - list.get(0).createdAt();
    out.add(new Finding(slug, "backups", age > BACKUP_STALE_MS ? Level.WARN : Level.OK,
        list.size() + " verified, newest " + Durations.ago(list.get(0).createdAt(), clock.now()), null));
  }

  private void runs(String slug, LocalBoardService service, boolean repair, boolean gatewayLive, List<Finding> out) {
    DispatchOperations ops = service.dispatch();
    int stuck = 0;
    for (DispatchOperations.OpenRun o : ops.openRuns()) {
      var run = o.run();
      if (run.workerPid() == null || gatewayLive) {
        continue;
      }
      WorkerIdentity id = new WorkerIdentity(run.workerHost(), run.workerPid(), run.workerStartedAt());
      if (id.isOnThisHost() && id.live().isEmpty()) {
        stuck++;
        if (repair) {
          ops.releaseRun(o.task().id(), run.id(), "kanban doctor: its worker died while no gateway watched it");
          out.add(new Finding(slug, "stuck run", Level.REPAIRED, o.task().id() + " run " + run.id() + " released", null));
        } else {
          out.add(new Finding(slug, "stuck run", Level.PROBLEM, o.task().id() + " is running, but worker pid "
              + run.workerPid() + " is gone and no gateway watches it", "start the gateway, or 'kanban doctor --repair'"));
        }
      }
    }
    if (stuck == 0) {
      out.add(new Finding(slug, "runs", Level.OK, "no stuck runs", null));
    }
  }

  private void workspaces(String slug, LocalBoardService service, boolean repair, List<Finding> out) {
    Path root = home.workspacesDir(slug);
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      return;
    }
    Map<String, Status> statuses = new HashMap<>();
    for (Path d : dirs) {
      String id = d.getFileName().toString();
      try {
        statuses.put(id, service.show(id, 0).view().task().status());
      } catch (KanbanException e) {
        statuses.put(id, null);
      }
    }
    int orphans = 0;
    for (Path d : dirs) {
      Status s = statuses.get(d.getFileName().toString());
      if (s == null || s == Status.ARCHIVED) {
        orphans++;
        if (repair) {
          try {
            ManagedDirectories.deleteTree(root, d);
            out.add(new Finding(slug, "orphan workspace", Level.REPAIRED, d + " deleted", null));
          } catch (IOException e) {
            out.add(new Finding(slug, "orphan workspace", Level.PROBLEM, d + ": " + e.getMessage(), null));
          }
        } else {
          out.add(new Finding(slug, "orphan workspace", Level.WARN, d + " belongs to " + (s == null ? "no task" : "an archived task"),
              "'kanban doctor --repair' deletes it"));
        }
      }
    }
    if (orphans == 0) {
      out.add(new Finding(slug, "workspaces", Level.OK, dirs.size() + " scratch workspaces, none orphaned", null));
    }
  }

  /** Worker processes of this home and board whose run is no longer open. */
  private void processes(String slug, LocalBoardService service, boolean repair, List<Finding> out) {
    Set<Long> openRuns = new HashSet<>();
    service.dispatch().openRuns().forEach(o -> openRuns.add(o.run().id()));
    int leaked = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        Map<String, String> env = environ(proc.resolve("environ"));
        if (!home.root().toString().equals(env.get("KANBAN_HOME")) || !slug.equals(env.get("KANBAN_BOARD"))
            || env.get("KANBAN_RUN") == null || !env.containsKey("KANBAN_EXIT_FILE")) {
          continue;
        }
        long run;
        try {
          run = Long.parseLong(env.get("KANBAN_RUN"));
        } catch (NumberFormatException e) {
          continue;
        }
        if (openRuns.contains(run)) {
          continue;
        }
        long pid = Long.parseLong(proc.getFileName().toString());
        var handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
          continue;
        }
        leaked++;
        if (repair) {
          WorkerIdentity.of(handle).ifPresent(id -> ProcessTree.stop(id, Duration.ofSeconds(5)));
          out.add(new Finding(slug, "leaked worker", Level.REPAIRED, "pid " + pid + " (run " + run + ") stopped", null));
        } else {
          out.add(new Finding(slug, "leaked worker", Level.PROBLEM, "pid " + pid + " works for run " + run
              + " of task " + env.get("KANBAN_TASK") + ", which has ended", "'kanban doctor --repair' stops it"));
        }
      }
    } catch (IOException | SecurityException e) {
      return;
    }
    if (leaked == 0) {
      out.add(new Finding(slug, "processes", Level.OK, "no leaked worker processes", null));
    }
  }

  private static Map<String, String> environ(Path file) {
    Map<String, String> env = new HashMap<>();
    try {
      for (String kv : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\0")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    } catch (IOException | SecurityException e) {
      return env;
    }
    return env;
  }

  static boolean anyProblem(List<Finding> findings) {
    return findings.stream().anyMatch(f -> f.level() == Level.PROBLEM);
  }

}
