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
import org.agentkanban.service.BoardInfo;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Boards;
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
      boolean manualDispatch) {
    public Options(String bind, Integer port, String launcherDir, ProcessControl processControl) {
      this(bind, port, launcherDir, processControl, false);
    }
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
    for (BoardInfo b : boards.list(false)) {
      if (!slugs.contains(b.slug())) {
        slugs.add(b.slug());
      }
    }
    for (String slug : slugs) {
      if (!runtimes.containsKey(slug)) {
        try {
          openBoard(slug);
        } catch (KanbanException e) {
          LOG.error("board '{}' cannot be opened: {}", slug, e.getMessage());
        }
      }
    }
  }

  private void openBoard(String slug) {
    BoardRuntime rt = BoardRuntime.open(slug, listener -> boards.open(slug, listener), home.boardDir(slug));
    runtimes.put(slug, rt);
    if (rt.dispatching()) {
      startDispatcher(rt);
    }
  }

  private void startDispatcher(BoardRuntime rt) {
    String slug = rt.slug;
    Path defaultWorkdir = boards.defaultWorkdir(slug);
    rt.startDispatcher(new Dispatcher.Wiring(slug, rt.service, rt.service.dispatch(), supervisor, launcher,
        new Workspaces(home.workspacesDir(slug), defaultWorkdir), new RunLogs(home.logsDir(slug)), config,
        () -> url, home.root(), clock, (board, ms) -> dispatchLatency.record(ms, TimeUnit.MILLISECONDS)),
        !options.manualDispatch());
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
        rt.lastError = null;
      } catch (KanbanException e) {
        rt.lastError = e.getMessage();
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
    } catch (RuntimeException e) {
      LOG.warn("gateway housekeeping failed; retrying", e);
    }
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
    BoardRuntime rt = runtimes.get(slug);
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
      String status = rt.lastError == null ? "healthy" : "degraded";
      if (!status.equals("healthy")) {
        overall = "degraded";
      }
      list.add(new BoardHealth(rt.slug, status, rt.dispatching(), rt.lastError,
          rt.lastError == null ? null : "see 'kanban doctor'", supervisor.liveCount(rt.slug), walBytes(rt.slug)));
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
    runtimes.values().forEach(BoardRuntime::close);
    runtimes.clear();
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
