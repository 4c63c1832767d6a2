package org.agentkanban.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agentkanban.api.ApiContext;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanConfig;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Boards;
import org.agentkanban.store.sqlite.SqliteEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running process behind {@code kanban serve}: it opens every board of a
 * {@code $KANBAN_HOME}, dispatches the boards whose lock it holds, supervises their workers, serves
 * the JSON API, and writes {@code gateway.json} so the CLI routes through it (the gateway is then
 * the single writer of each board). Stopping it leaves workers running unless asked otherwise: the
 * next gateway adopts them.
 */
public final class Gateway implements ApiContext, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  public static final String VERSION = "0.1.0";

  /** Starts the HTTP API for a gateway; the composition root provides it. */
  public interface ApiStarter {
    Api start(ApiContext context, String bind, int port, String adminToken);
  }

  /** A running API. */
  public interface Api {
    int port();

    void stop();
  }

  /**
   * @param bind null for config.yaml's gateway.bind
   * @param port null for config.yaml's gateway.port (0 picks a free port)
   * @param launcherDir put on the workers' PATH so they find {@code kanban}
   * @param processControl how workers are observed and stopped; null for the real one
   * @param manualDispatch for tests: start no dispatcher threads; the test calls
   *     {@link Dispatcher#runOnce()} itself (with a manual clock)
   */
  public record Options(String bind, Integer port, String launcherDir, ProcessControl processControl,
      boolean manualDispatch, boolean allowNetworkFileSystem, MountLookup mounts) {
    public Options(String bind, Integer port, String launcherDir, ProcessControl processControl,
        boolean manualDispatch) {
      this(bind, port, launcherDir, processControl, manualDispatch, false, SqliteEnvironment::mountOf);
    }

    public Options(String bind, Integer port, String launcherDir, ProcessControl processControl) {
      this(bind, port, launcherDir, processControl, false);
    }

    /** {@code --force}: serve boards on a network file system anyway, with a loud warning. */
    public Options allowingNetworkFileSystem(boolean allow) {
      return new Options(bind, port, launcherDir, processControl, manualDispatch, allow, mounts);
    }

    /** For tests: where the mount table comes from (a given mountinfo text instead of /proc). */
    public Options withMounts(MountLookup lookup) {
      return new Options(bind, port, launcherDir, processControl, manualDispatch, allowNetworkFileSystem, lookup);
    }
  }

  /** The mount holding a path. */
  @FunctionalInterface
  public interface MountLookup {
    java.util.Optional<SqliteEnvironment.Mount> mountOf(Path path);
  }

  private final KanbanHome home;
  private final Boards boards;
  private final Map<String, String> env;
  private final Clock clock;
  private final Options options;
  private final ApiStarter apiStarter;
  private final Map<String, BoardRuntime> runtimes = new ConcurrentHashMap<>();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer dispatchLatency = Timer.builder("kanban_dispatch_latency")
      .description("from a task becoming ready (or last changed) to its worker starting")
      .publishPercentiles(0.5, 0.99).register(registry);
  private ConfigWatcher config;
  private WorkerSupervisor supervisor;
  private WorkerLauncher launcher;
  private ScheduledExecutorService housekeeping;
  /** Backups, restores and recoveries: one at a time, off the dispatch and housekeeping threads. */
  private final java.util.concurrent.ExecutorService maintenanceWork = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "kanban-gateway-maintenance");
    t.setDaemon(true);
    return t;
  });
  private final java.util.Set<String> recovering = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> backupsRunning = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<String, Recovery> recoveries = new ConcurrentHashMap<>();
  /** Damaged boards that could not be opened, with why; tried again only when their file changes. */
  private final Map<String, Unopened> damagedUnopened = new ConcurrentHashMap<>();
  /** Damaged boards the gateway could not restore (no backup, auto_restore off): not tried again. */
  private final java.util.Set<String> gaveUp = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A damaged board this gateway could not open: the cause, the way out, and the file it saw. */
  private record Unopened(String cause, String action, String fileStamp) {}

  static final String DAMAGE_ACTION_AUTO = "the gateway restores the newest verified backup (auto_restore is on)";
  static final String DAMAGE_ACTION_MANUAL = "run 'kanban doctor --board %s', then 'kanban restore latest --board %s' "
      + "(through this gateway) or a named backup from 'kanban backup --list --board %s'";
  /**
   * Boards that could not be opened (a read-only or full disk at open, a wrong journal mode, a
   * newer schema), with why: shown in health and in the API's 503s, and retried every second.
   */
  private final Map<String, org.agentkanban.gateway.BoardHealth> unopened = new ConcurrentHashMap<>();
  private final java.util.Set<String> meteredBoards = ConcurrentHashMap.newKeySet();

  /** The last auto-restore of a board, for health and the crash report. */
  public record Recovery(String board, long detectedAt, long restoredAt, String backup, String quarantinedTo, String cause) {}
  private Api api;
  private String adminToken;
  private String url;
  private long startedAt;
  private boolean wroteGatewayFile;
  private volatile boolean stopped;

  public Gateway(KanbanHome home, Boards boards, Map<String, String> env, Clock clock, Options options, ApiStarter apiStarter) {
    this.home = home;
    this.boards = boards;
    this.env = env;
    this.clock = clock;
    this.options = options;
    this.apiStarter = apiStarter;
  }

  /** Starts everything; throws with a clear message when it cannot (bad config, port in use). */
  public synchronized void start() {
    startedAt = clock.now();
    org.agentkanban.store.sqlite.SqliteEnvironment.requireSafe();
    config = new ConfigWatcher(home.configFile());
    KanbanConfig c = config.get();
    supervisor = new WorkerSupervisor(options.processControl() == null ? ProcessControl.REAL : options.processControl(),
        Duration.ofMillis(c.gateway().stopGraceMs()));
    launcher = new WorkerLauncher(env, options.launcherDir());
    if (!launcher.hasSessions()) {
      LOG.warn("setsid not found: workers share the gateway's session; descendants are still stopped one by one");
    }
    adminToken = newToken();
    String bind = options.bind() != null ? options.bind() : c.gateway().bind();
    int port = options.port() != null ? options.port() : c.gateway().port();
    if (apiStarter != null) {
      api = apiStarter.start(this, bind, port, adminToken);
      url = new GatewayFile(0, 0, "", bind, api.port(), "", 0, VERSION).url();
    } else {
      url = "";
    }
    registerMetrics();
    boards.useOpenStores(slug -> {
      BoardRuntime rt = runtimes.get(slug);
      return rt == null ? null : rt.service.store();
    });
    discoverBoards();
    writeGatewayFile(bind);
    housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kanban-gateway-housekeeping");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleWithFixedDelay(this::pollChanges, c.gateway().pollIntervalMs(), c.gateway().pollIntervalMs(),
        TimeUnit.MILLISECONDS);
    housekeeping.scheduleWithFixedDelay(this::slowHousekeeping, 1, 1, TimeUnit.SECONDS);
    LOG.info("gateway started: {} board(s), API {}", runtimes.size(), url.isEmpty() ? "off" : url);
  }

  private static String newToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return "ka_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private void writeGatewayFile(String bind) {
    if (api == null) {
      return;
    }
    var existing = GatewayFile.read(home.gatewayFile());
    if (existing.isPresent() && existing.get().pid() != ProcessHandle.current().pid() && existing.get().processAlive()) {
      LOG.warn("another gateway (pid {}) owns {}; the CLI keeps talking to it", existing.get().pid(), home.gatewayFile());
      return;
    }
    long processStart = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    new GatewayFile(ProcessHandle.current().pid(), processStart, HostIdentity.current(), bind, api.port(), adminToken,
        startedAt, VERSION).write(home.gatewayFile());
    wroteGatewayFile = true;
  }

  /** Opens boards that appeared since the last look (and the default board on first start). */
  synchronized void discoverBoards() {
    if (stopped) {
      return;
    }
    List<String> slugs = new ArrayList<>();
    slugs.add(BoardSlug.DEFAULT);
    // Only names not open yet are looked at: a board's existence is read from its board.yaml, and
    // listing boards with their task counts would open every database each second.
    for (String slug : boards.slugCandidates()) {
      if (!slugs.contains(slug) && !runtimes.containsKey(slug) && boards.exists(slug)) {
        slugs.add(slug);
      }
    }
    unopened.keySet().retainAll(slugs);
    for (String slug : slugs) {
      Unopened damaged = damagedUnopened.get(slug);
      if (damaged != null && damaged.fileStamp().equals(fileStamp(slug))) {
        continue; // the same damaged file as last time: trying again would only repeat the error
      }
      if (!runtimes.containsKey(slug)) {
        try {
          openBoard(slug);
        } catch (org.agentkanban.store.StoreUnavailableException e) {
          // notOpened() logged it and keeps it for health; the next look tries again
        } catch (KanbanException e) {
          LOG.error("board '{}' cannot be opened: {}", slug, e.getMessage());
        }
      }
    }
  }

  private void openBoard(String slug) {
    if (recovering.contains(slug)) {
      return;
    }
    String warning;
    try {
      warning = checkFileSystem(slug);
    } catch (org.agentkanban.store.StoreUnavailableException e) {
      notOpened(slug, e);
      return;
    }
    BoardRuntime rt;
    try {
      rt = BoardRuntime.open(slug, listener -> boards.open(slug, listener), home.boardDir(slug));
    } catch (org.agentkanban.store.StoreUnavailableException e) {
      if (org.agentkanban.gateway.BoardHealth.isDamage(e)) {
        LOG.error("board '{}' cannot be opened: {}", slug, e.getMessage());
        unopened.remove(slug);
        damagedUnopened.put(slug, new Unopened(e.getMessage(), damageAction(slug), fileStamp(slug)));
        boardDamaged(slug, e);
        return;
      }
      notOpened(slug, e);
      throw e;
    }
    rt.warning = warning;
    if (rt.service.store() instanceof org.agentkanban.store.FileBackups files) {
      // quick_check when a gateway opens a board: damage found now, not in the middle of a run.
      org.agentkanban.store.FileBackups.Integrity check;
      try {
        check = files.quickCheck();
      } catch (org.agentkanban.store.StoreUnavailableException e) {
        // Could not even read (a disk error, not damage): try the whole open again in a second.
        rt.close();
        notOpened(slug, e);
        throw e;
      }
      runtimes.put(slug, rt);
      unopened.remove(slug);
      damagedUnopened.remove(slug);
      if (!check.ok()) {
        var damage = new org.agentkanban.store.StoreUnavailableException(
            org.agentkanban.store.StoreUnavailableException.Cause.CORRUPT,
            "quick_check of board '" + slug + "' failed: " + String.join("; ", check.problems()), null);
        rt.health.failed(damage, clock.now(), false);
        boardDamaged(slug, damage);
        return;
      }
      rt.maintenance = new BoardMaintenance(slug, files, clock.now());
    } else {
      runtimes.put(slug, rt);
      unopened.remove(slug);
      damagedUnopened.remove(slug);
    }
    gaveUp.remove(slug);
    if (rt.dispatching()) {
      startDispatcher(rt);
    }
  }

  /** Remembers why a board could not be opened, for health and the API; logs each new cause once. */
  private void notOpened(String slug, org.agentkanban.store.StoreUnavailableException e) {
    org.agentkanban.gateway.BoardHealth h = unopened.computeIfAbsent(slug, s -> new org.agentkanban.gateway.BoardHealth());
    String before = h.cause();
    h.failed(e, clock.now(), true);
    if (!e.getMessage().equals(before)) {
      LOG.error("board '{}' cannot be opened: {}{}", slug, e.getMessage(),
          e.reason().isTransient() ? "; retrying every second" : "");
    }
  }

  /** Per-board meters, registered once per slug and read through the board's current runtime. */
  private void registerBoardMetrics(String slug) {
    if (!meteredBoards.add(slug)) {
      return;
    }
    io.micrometer.core.instrument.FunctionCounter.builder("kanban_dispatch_passes", this, g -> g.passesOf(slug))
        .tag("board", slug).description("dispatcher passes (ticks) begun on the board").register(registry);
    Gauge.builder("kanban_board_wal_bytes", this, g -> g.walBytes(slug)).tag("board", slug)
        .description("size of the board's -wal file").register(registry);
    Gauge.builder("kanban_board_wal_high_water_bytes", this, g -> g.maintenanceFigure(slug, BoardMaintenance::walHighWater))
        .tag("board", slug).description("largest -wal seen by the gateway's checkpoint watch").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("kanban_checkpoints", this,
            g -> g.maintenanceFigure(slug, BoardMaintenance::checkpoints))
        .tag("board", slug).description("PASSIVE checkpoints the gateway ran on the board").register(registry);
  }

  private double passesOf(String slug) {
    BoardRuntime rt = runtimes.get(slug);
    return rt == null || rt.dispatcher() == null ? 0 : rt.dispatcher().passes();
  }

  private double maintenanceFigure(String slug, java.util.function.ToLongFunction<BoardMaintenance> figure) {
    BoardRuntime rt = runtimes.get(slug);
    BoardMaintenance m = rt == null ? null : rt.maintenance;
    return m == null ? 0 : figure.applyAsLong(m);
  }

  private void startDispatcher(BoardRuntime rt) {
    String slug = rt.slug;
    registerBoardMetrics(slug);
    Path defaultWorkdir = boards.defaultWorkdir(slug);
    rt.startDispatcher(new Dispatcher.Wiring(slug, rt.service, rt.service.dispatch(), supervisor, launcher,
        new Workspaces(home.workspacesDir(slug), defaultWorkdir), new RunLogs(home.logsDir(slug)), config,
        () -> url, home.root(), clock, (board, ms) -> dispatchLatency.record(ms, TimeUnit.MILLISECONDS)),
        !options.manualDispatch());
    Dispatcher d = rt.dispatcher();
    if (d != null) {
      d.reportHealthTo(new Dispatcher.HealthReporter() {
        @Override
        public void succeeded() {
          rt.health.succeeded(clock.now(), false);
        }

        @Override
        public long failed(RuntimeException e) {
          long wait = rt.health.failed(e, clock.now(), false);
          if (wait < 0 && org.agentkanban.gateway.BoardHealth.isDamage(e)) {
            boardDamaged(rt.slug, e);
          }
          return wait;
        }
      });
    }
  }

  /** Boards another gateway dispatched: this one takes over once that one is gone. */
  private synchronized void takeOverFreedBoards() {
    if (stopped) {
      return;
    }
    for (BoardRuntime rt : runtimes.values()) {
      if (!rt.dispatching() && rt.tryLock()) {
        LOG.info("board '{}': the gateway that dispatched it is gone; this gateway dispatches it now", rt.slug);
        startDispatcher(rt);
      }
    }
  }

  private void pollChanges() {
    for (BoardRuntime rt : runtimes.values()) {
      try {
        rt.pollForOutsideChanges();
        rt.health.succeeded(clock.now(), false);
      } catch (KanbanException e) {
        reportFailure(rt, e, false);
      } catch (RuntimeException e) {
        LOG.warn("watching board '{}' failed", rt.slug, e);
      }
    }
  }

  private void slowHousekeeping() {
    try {
      if (config.reloadIfChanged()) {
        runtimes.values().forEach(rt -> {
          if (rt.dispatcher() != null) {
            rt.dispatcher().wake();
          }
        });
      }
      discoverBoards();
      takeOverFreedBoards();
      maintainBoards();
    } catch (RuntimeException e) {
      LOG.warn("gateway housekeeping failed; retrying", e);
    }
  }

  /** Checkpoints (PASSIVE, as the single owner) and scheduled backups of every open board. */
  private void maintainBoards() {
    var g = config.get().gateway();
    long now = clock.now();
    for (BoardRuntime rt : runtimes.values()) {
      BoardMaintenance m = rt.maintenance;
      if (m == null || rt.health.state() == org.agentkanban.gateway.BoardHealth.State.UNAVAILABLE) {
        continue;
      }
      try {
        if (m.walDeleted(now)) {
          walDeleted(rt);
          continue;
        }
        // A fresh connection reads the header and schema from the file whenever it changed: damage
        // the board's own connections do not see yet (their pages are cached) is found within a second.
        m.probe();
        m.maybeCheckpoint(g, now);
        // The board is read only once the interval has passed: an idle gateway reads nothing each second.
        if (m.backupDue(g, now, () -> rt.service.store().read(tx -> tx.eventMaxId())) && backupsRunning.add(rt.slug)) {
          maintenanceWork.submit(() -> {
            try {
              m.backup(g, clock.now(), boards.recovery().orElseThrow(), boards.target(rt.slug));
            } catch (RuntimeException e) {
              LOG.warn("scheduled backup of board '{}' failed: {}", rt.slug, e.getMessage());
              reportFailure(rt, e, true);
            } finally {
              backupsRunning.remove(rt.slug);
            }
          });
        }
        rt.health.succeeded(now, false);
      } catch (RuntimeException e) {
        reportFailure(rt, e, true);
      }
    }
  }

  /**
   * Someone deleted the board's {@code -wal} while this gateway had it open. Its connections still
   * hold the deleted file, so nothing is lost yet, but every other process that opens the board
   * now fails (the {@code -shm} describes a WAL that is gone). The gateway copies every frame of
   * its WAL into the database (a PASSIVE checkpoint, which completes when no reader lags behind)
   * and then closes and reopens the board, which starts a new WAL. No change is lost.
   */
  private void walDeleted(BoardRuntime rt) {
    String slug = rt.slug;
    if (stopped || !recovering.add(slug)) {
      return;
    }
    maintenanceWork.submit(() -> {
      try {
        synchronized (this) {
          var cp = rt.maintenance.checkpointAll();
          if (cp.busy() || cp.checkpointedFrames() < cp.logFrames()) {
            LOG.warn("board '{}': its -wal was deleted; {} of {} frames checkpointed so far, retrying", slug,
                cp.checkpointedFrames(), cp.logFrames());
            return;
          }
          LOG.error("board '{}': its -wal was deleted while the gateway had it open; all {} frames were copied "
              + "into the database from the gateway's open descriptor and the board is reopened (nothing lost)",
              slug, cp.logFrames());
          BoardRuntime old = runtimes.remove(slug);
          if (old != null) {
            old.close();
          }
          recovering.remove(slug);
          openBoard(slug);
        }
      } catch (RuntimeException e) {
        LOG.error("board '{}': reopening after its -wal was deleted failed: {}", slug, e.getMessage());
      } finally {
        recovering.remove(slug);
      }
    });
  }

  private String damageAction(String slug) {
    return config != null && config.get().gateway().autoRestore() ? DAMAGE_ACTION_AUTO
        : String.format(DAMAGE_ACTION_MANUAL, slug, slug, slug);
  }

  /** Size and modification time of a board's database (a stat): tells a new file from the same one. */
  private String fileStamp(String slug) {
    Path db = home.boardDir(slug).resolve("board.db");
    try {
      return Files.size(db) + "@" + Files.getLastModifiedTime(db).toMillis();
    } catch (IOException e) {
      return "missing";
    }
  }

  /** Feeds a failure to the board's health; damage starts a recovery. */
  void reportFailure(BoardRuntime rt, RuntimeException e, boolean writing) {
    long wait = rt.health.failed(e, clock.now(), writing);
    if (wait < 0 && org.agentkanban.gateway.BoardHealth.isDamage(e)) {
      boardDamaged(rt.slug, e);
    }
  }

  /**
   * A board on a network file system is refused: SQLite's WAL needs one host's shared memory and
   * locks, which NFS, SMB, 9p, virtiofs and FUSE file systems do not give. With {@code --force} it
   * is served anyway, with an error in the log and a warning in its health.
   *
   * @return the warning to show in health, or null for a local file system
   */
  private String checkFileSystem(String slug) {
    var network = options.mounts().mountOf(home.boardDir(slug)).filter(SqliteEnvironment.Mount::isNetwork);
    if (network.isEmpty()) {
      return null;
    }
    SqliteEnvironment.Mount m = network.get();
    String risk = "board '" + slug + "' is on a network file system (" + m.type() + " at " + m.mountPoint()
        + "): SQLite's WAL needs one host's shared memory and locks and can be corrupted there";
    if (!options.allowNetworkFileSystem()) {
      throw new org.agentkanban.store.StoreUnavailableException(org.agentkanban.store.StoreUnavailableException.Cause.UNUSABLE,
          risk + "; move $KANBAN_HOME to a local disk, or start the gateway with --force to serve it anyway", null);
    }
    LOG.error("{}; served anyway because of --force. Keep every process that uses it on this host", risk);
    return risk + "; served anyway because of --force";
  }

  /**
   * SQLite reported damage: this board stops (others go on). With auto_restore the damaged files
   * are moved aside (one copy per distinct damage) and the newest verified backup takes their
   * place; without it, or without a backup, the board stays unavailable with the way out shown.
   */
  void boardDamaged(String slug, RuntimeException cause) {
    if (stopped || gaveUp.contains(slug) || !recovering.add(slug)) {
      return;
    }
    long detectedAt = clock.now();
    maintenanceWork.submit(() -> {
      try {
        recover(slug, cause, detectedAt);
      } catch (RuntimeException e) {
        LOG.error("recovery of board '{}' failed: {}", slug, e.getMessage());
      } finally {
        recovering.remove(slug);
      }
    });
  }

  private void recover(String slug, RuntimeException cause, long detectedAt) {
    var g = config.get().gateway();
    var recovery = boards.recovery().orElse(null);
    if (!g.autoRestore() || recovery == null || recovery.backups(boards.target(slug)).isEmpty()) {
      String why = !g.autoRestore()
          ? "auto_restore is off: " + String.format(DAMAGE_ACTION_MANUAL, slug, slug, slug)
          : "there is no verified backup to restore; the damaged file is left in place: run 'kanban doctor --board "
              + slug + "'";
      LOG.error("board '{}' is unavailable ({}); {}", slug, cause.getMessage(), why);
      gaveUp.add(slug);
      BoardRuntime rt = runtimes.get(slug);
      if (rt != null) {
        rt.health.gaveUp(why);
      } else {
        damagedUnopened.computeIfPresent(slug, (k, u) -> new Unopened(u.cause(), why, u.fileStamp()));
      }
      return;
    }
    synchronized (this) {
      BoardRuntime old = runtimes.remove(slug);
      if (old != null) {
        old.close();
      }
      Backups.Restored r = Backups.restore(boards, slug, "latest",
          "auto-restore after: " + cause.getMessage(), false, false, clock);
      stopWorkersOfLostRuns(slug);
      openBoard(slug);
      BoardRuntime fresh = runtimes.get(slug);
      if (fresh != null) {
        fresh.health.restored(clock.now());
        if (fresh.dispatcher() != null) {
          fresh.dispatcher().wake();
        }
      }
      recoveries.put(slug, new Recovery(slug, detectedAt, clock.now(), r.backup().toString(),
          r.quarantinedTo() == null ? null : r.quarantinedTo().toString(), cause.getMessage()));
    }
  }

  /**
   * Workers whose run is not open in the restored board lost their run with the damaged file:
   * stop them, so nothing works on a task twice once it is dispatched again.
   */
  private void stopWorkersOfLostRuns(String slug) {
    java.util.Set<Long> open = new java.util.HashSet<>();
    try (var service = boards.open(slug, null)) {
      service.dispatch().openRuns().forEach(o -> open.add(o.run().id()));
    }
    for (WatchedWorker w : supervisor.liveOn(slug)) {
      if (!open.contains(w.runId)) {
        supervisor.stop(w, WatchedWorker.StopReason.RUN_CLOSED);
      }
    }
  }

  /** The last recovery of a board, if it had one. */
  public Recovery lastRecovery(String slug) {
    return recoveries.get(slug);
  }

  @Override
  public org.agentkanban.store.FileBackups.Backup backupBoard(String slug) {
    BoardRuntime rt = runtimeOf(slug);
    if (!(rt.service.store() instanceof org.agentkanban.store.FileBackups files)) {
      throw KanbanException.refused("board '" + slug + "' is not kept in local files");
    }
    var g = config.get().gateway();
    if (rt.maintenance != null) {
      return rt.maintenance.backup(g, clock.now(), boards.recovery().orElseThrow(), boards.target(slug));
    }
    return Backups.take(files, boards.target(slug), boards.recovery().orElseThrow(), g.backupKeep(), clock.now());
  }

  @Override
  public List<org.agentkanban.store.BoardRecovery.BackupFile> backups(String slug) {
    BoardSlug.require(slug);
    return boards.recovery().map(r -> r.backups(boards.target(slug))).orElse(List.of());
  }

  @Override
  public synchronized RestoredBoard restoreBoard(String slug, String backup) {
    BoardSlug.require(slug);
    if (!boards.exists(slug) && !runtimes.containsKey(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    recovering.add(slug);
    try {
      BoardRuntime old = runtimes.remove(slug);
      if (old != null) {
        old.close();
      }
      Backups.Restored r;
      try {
        r = Backups.restore(boards, slug, backup, "restore requested through the API", true, false, clock);
      } finally {
        recovering.remove(slug);
      }
      stopWorkersOfLostRuns(slug);
      openBoard(slug);
      return new RestoredBoard(slug, r.backup().toString(), r.backupCreatedAt(), r.lastEventIdKept(),
          r.quarantinedTo() == null ? null : r.quarantinedTo().toString());
    } finally {
      recovering.remove(slug);
      if (!runtimes.containsKey(slug)) {
        openBoard(slug);
      }
    }
  }

  private BoardRuntime runtimeOf(String slug) {
    board(slug);
    BoardRuntime rt = runtimes.get(slug);
    if (rt == null) {
      throw KanbanException.notFound("board '" + slug + "' is not open");
    }
    return rt;
  }

  private void registerMetrics() {
    Gauge.builder("kanban_workers_live", supervisor, WorkerSupervisor::liveCount)
        .description("worker processes this gateway supervises").register(registry);
    for (Status s : Status.values()) {
      Gauge.builder("kanban_tasks", this, g -> g.countTasks(s)).tag("status", s.wire())
          .description("tasks by status, all boards").register(registry);
    }
    Gauge.builder("kanban_wal_bytes", this, Gateway::walBytes).description("size of the boards' -wal files").register(registry);
    for (org.agentkanban.domain.RunOutcome o : org.agentkanban.domain.RunOutcome.values()) {
      Gauge.builder("kanban_runs", this, g -> g.countRuns(o)).tag("outcome", o.wire())
          .description("finished runs by outcome, all boards").register(registry);
    }
  }

  private double countTasks(Status s) {
    double n = 0;
    for (BoardRuntime rt : runtimes.values()) {
      try {
        n += rt.service.stats().byStatus().getOrDefault(s, 0);
      } catch (RuntimeException e) {
        // a sick board does not break the scrape
      }
    }
    return n;
  }

  private double countRuns(org.agentkanban.domain.RunOutcome o) {
    double n = 0;
    for (BoardRuntime rt : runtimes.values()) {
      try {
        n += rt.service.stats().runsByOutcome().getOrDefault(o, 0);
      } catch (RuntimeException e) {
        // a sick board does not break the scrape
      }
    }
    return n;
  }

  private double walBytes() {
    long total = 0;
    for (String slug : runtimes.keySet()) {
      total += walBytes(slug);
    }
    return total;
  }

  private long walBytes(String slug) {
    try {
      Path wal = home.boardDir(slug).resolve("board.db-wal");
      return Files.exists(wal) ? Files.size(wal) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  // ---- ApiContext ------------------------------------------------------------------------------

  @Override
  public BoardService board(String slug) {
    BoardSlug.require(slug);
    if (recovering.contains(slug)) {
      throw KanbanException.unavailable("board '" + slug + "' is being restored from a backup; try again in a moment", null);
    }
    Unopened damaged = damagedUnopened.get(slug);
    if (damaged != null && !runtimes.containsKey(slug)) {
      throw KanbanException.unavailable("board '" + slug + "' is unavailable: " + damaged.cause() + "; "
          + damaged.action(), null);
    }
    BoardRuntime rt = runtimes.get(slug);
    if (rt != null && rt.health.state() == org.agentkanban.gateway.BoardHealth.State.UNAVAILABLE) {
      throw KanbanException.unavailable("board '" + slug + "' is unavailable: " + rt.health.cause() + "; "
          + rt.health.action(), null);
    }
    org.agentkanban.gateway.BoardHealth failedOpen = unopened.get(slug);
    if (rt == null && failedOpen != null) {
      throw KanbanException.unavailable("board '" + slug + "' cannot be opened: " + failedOpen.cause()
          + " (" + failedOpen.action() + ")", null);
    }
    if (rt == null) {
      if (!boards.exists(slug) && !slug.equals(BoardSlug.DEFAULT)) {
        throw KanbanException.notFound("board '" + slug + "' does not exist");
      }
      discoverBoards();
      rt = runtimes.get(slug);
      if (rt == null) {
        throw KanbanException.notFound("board '" + slug + "' cannot be opened");
      }
    }
    return rt.service;
  }

  @Override
  public Boards boards() {
    return boards;
  }

  @Override
  public synchronized Path removeBoard(String slug, boolean delete) {
    BoardRuntime rt = runtimes.remove(slug);
    if (rt != null) {
      rt.close();
    }
    return boards.remove(slug, delete);
  }

  @Override
  public Health health() {
    List<BoardHealth> list = new ArrayList<>();
    String overall = config.problem() == null ? "healthy" : "degraded";
    for (BoardRuntime rt : runtimes.values()) {
      String status = rt.health.state().wire();
      if (rt.health.state() != org.agentkanban.gateway.BoardHealth.State.HEALTHY) {
        overall = "degraded";
      }
      list.add(new BoardHealth(rt.slug, status, rt.dispatching(), rt.health.cause(), rt.health.action(),
          supervisor.liveCount(rt.slug), walBytes(rt.slug), rt.warning));
    }
    unopened.forEach((slug, h) -> {
      if (!runtimes.containsKey(slug) && !recovering.contains(slug)) {
        list.add(new BoardHealth(slug, h.state().wire(), false, "cannot be opened: " + h.cause(), h.action(),
            supervisor.liveCount(slug), walBytes(slug)));
      }
    });
    if (list.size() > runtimes.size()) {
      overall = "degraded";
    }
    for (var e : damagedUnopened.entrySet()) {
      if (!runtimes.containsKey(e.getKey()) && !recovering.contains(e.getKey())) {
        overall = "degraded";
        list.add(new BoardHealth(e.getKey(), org.agentkanban.gateway.BoardHealth.State.UNAVAILABLE.wire(), false,
            e.getValue().cause(), e.getValue().action(), supervisor.liveCount(e.getKey()), walBytes(e.getKey())));
      }
    }
    for (String slug : recovering) {
      if (!runtimes.containsKey(slug)) {
        overall = "degraded";
        list.add(new BoardHealth(slug, org.agentkanban.gateway.BoardHealth.State.UNAVAILABLE.wire(), false, "damaged; being restored",
            "the gateway is restoring the newest verified backup", supervisor.liveCount(slug), walBytes(slug)));
      }
    }
    list.sort(java.util.Comparator.comparing(BoardHealth::board));
    return new Health(overall, startedAt, VERSION, config.problem(), list);
  }

  @Override
  public MeterRegistry metrics() {
    return registry;
  }

  public String url() {
    return url;
  }

  public String adminToken() {
    return adminToken;
  }

  public String configProblem() {
    return config.problem();
  }

  /** For tests: the dispatcher of a board this gateway dispatches, or null. */
  public Dispatcher dispatcher(String slug) {
    BoardRuntime rt = runtimes.get(slug);
    return rt == null ? null : rt.dispatcher();
  }

  public WorkerSupervisor supervisor() {
    return supervisor;
  }

  // ---- stopping ------------------------------------------------------------------------------

  /**
   * Stops the gateway. With {@code stopWorkers} every worker tree is stopped and its run released
   * first; otherwise workers keep running with their runs open, for the next gateway to adopt.
   */
  public synchronized void stop(boolean stopWorkers) {
    if (stopped) {
      return;
    }
    stopped = true;
    runtimes.values().forEach(BoardRuntime::stopClaiming);
    if (api != null) {
      api.stop();
    }
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    if (stopWorkers && supervisor != null) {
      runtimes.keySet().forEach(supervisor::stopAll);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.get().gateway().stopGraceMs() + 5_000);
      while (supervisor.liveCount() > 0 && System.nanoTime() < deadline) {
        sleep(20);
      }
      runtimes.values().forEach(rt -> {
        if (rt.dispatcher() != null) {
          rt.dispatcher().runOnce();
        }
      });
    }
    finalBackups();
    runtimes.values().forEach(BoardRuntime::close);
    runtimes.clear();
    maintenanceWork.shutdown();
    if (supervisor != null) {
      supervisor.close();
    }
    if (wroteGatewayFile) {
      try {
        Files.deleteIfExists(home.gatewayFile());
      } catch (IOException ignored) {
        // a stale gateway.json is detected by its dead pid
      }
    }
    LOG.info("gateway stopped{}", stopWorkers ? " (workers stopped)" : "");
  }

  /** On shutdown: back up every board that changed since its last backup. */
  private void finalBackups() {
    if (config == null || config.get().gateway().backupIntervalMs() == 0) {
      return;
    }
    var g = config.get().gateway();
    for (BoardRuntime rt : runtimes.values()) {
      BoardMaintenance m = rt.maintenance;
      if (m == null || rt.health.state() == org.agentkanban.gateway.BoardHealth.State.UNAVAILABLE) {
        continue;
      }
      try {
        long lastEvent = rt.service.store().read(tx -> tx.eventMaxId());
        if (m.changedSinceBackup(lastEvent)) {
          m.backup(g, clock.now(), boards.recovery().orElseThrow(), boards.target(rt.slug));
        }
      } catch (RuntimeException e) {
        LOG.warn("final backup of board '{}' failed: {}", rt.slug, e.getMessage());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(false);
  }
}
