package org.agentkanban.gateway;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.agentkanban.api.ApiServer;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.testkit.TempHome;

/**
 * A gateway on a temporary home with real worker processes, for tests: optionally with the real
 * HTTP API (so workers report through {@code KANBAN_URL} with the {@code kanban} launcher on their
 * PATH, and the CLI routes through it), a fake {@link ProcessControl}, a manual clock and manual
 * dispatch. Close it: the gateway stops with its workers, and any process left with this home in
 * its environment is killed.
 */
final class GatewayHarness implements AutoCloseable {
  static final Actor TESTER = Actor.person("tester");

  final Path home;
  final Boards boards;
  final Gateway gateway;
  private final Map<String, LocalBoardService> clients = new ConcurrentHashMap<>();
  private boolean closed;

  GatewayHarness(Path home, String configYaml) {
    this(home, configYaml, null, Clock.SYSTEM);
  }

  GatewayHarness(Path home, String configYaml, ProcessControl control, Clock clock) {
    this(new Setup(home, configYaml).control(control).clock(clock));
  }

  /** How to build a harness. */
  static final class Setup {
    final Path home;
    final String config;
    ProcessControl control;
    Clock clock = Clock.SYSTEM;
    boolean api;
    boolean manualDispatch;
    boolean allowNetworkFileSystem;
    Gateway.MountLookup mounts;
    final Map<String, String> env = new HashMap<>();

    Setup(Path home, String config) {
      this.home = home;
      this.config = config;
    }

    Setup control(ProcessControl c) {
      this.control = c;
      return this;
    }

    Setup clock(Clock c) {
      this.clock = c;
      return this;
    }

    /** Serve the real HTTP API on a free port, write gateway.json, give workers the kanban launcher. */
    Setup api() {
      this.api = true;
      return this;
    }

    /** A variable in the gateway's own environment (what its workers inherit, minus KANBAN_*). */
    Setup env(String key, String value) {
      env.put(key, value);
      return this;
    }

    Setup manualDispatch() {
      this.manualDispatch = true;
      return this;
    }

    /** Where the gateway reads mount types from, instead of /proc/self/mountinfo. */
    Setup mounts(Gateway.MountLookup lookup) {
      this.mounts = lookup;
      return this;
    }

    /** {@code --force}: serve boards on a network file system anyway. */
    Setup allowNetworkFileSystem() {
      this.allowNetworkFileSystem = true;
      return this;
    }

    GatewayHarness start() {
      return new GatewayHarness(this);
    }
  }

  static Setup setup(Path home, String config) {
    return new Setup(home, config);
  }

  private GatewayHarness(Setup s) {
    this.home = s.home;
    if (s.config != null) {
      writeConfig(s.config);
    }
    this.boards = TempHome.boards(home, s.clock, ServiceSettings.defaults(), true);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("KANBAN_"));
    env.putAll(s.env);
    Gateway.ApiStarter starter = !s.api ? null : (context, bind, port, token) -> {
      ApiServer server = new ApiServer(context, new ApiServer.Options(bind, 0, token, 1L << 20)).start();
      return new Gateway.Api() {
        @Override
        public int port() {
          return server.port();
        }

        @Override
        public void stop() {
          server.stop();
        }
      };
    };
    String launcher = s.api ? KanbanCli.launcherDir().toString() : null;
    Gateway.Options options = new Gateway.Options("127.0.0.1", 0, launcher, s.control, s.manualDispatch)
        .allowingNetworkFileSystem(s.allowNetworkFileSystem);
    if (s.mounts != null) {
      options = options.withMounts(s.mounts);
    }
    this.gateway = new Gateway(new KanbanHome(home), boards, env, s.clock, options, starter);
    gateway.start();
  }

  void writeConfig(String yaml) {
    try {
      Files.createDirectories(home);
      Files.writeString(home.resolve("config.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A second, independent connection to the default board: what a CLI process would do. */
  LocalBoardService board() {
    return board("default");
  }

  LocalBoardService board(String slug) {
    return clients.computeIfAbsent(slug, s -> s.equals("default") || boards.exists(s)
        ? boards.open(s, BoardListener.NONE) : boards.create(s, null, null, false, BoardListener.NONE));
  }

  /** The real CLI on this home (it routes through the gateway's API when it serves one). */
  KanbanCli cli() {
    return new KanbanCli(home);
  }

  // ---- tasks ---------------------------------------------------------------------------------

  static CreateTask task(String title, String body, String assignee) {
    return new CreateTask(title, body, assignee, null, null, null, null, null, false, null, null, null, null, TESTER);
  }

  static CreateTask withRetries(CreateTask t, Integer maxRetries) {
    return new CreateTask(t.title(), t.body(), t.assignee(), t.parents(), t.priority(), t.tenant(), t.idempotencyKey(),
        t.dedupeScope(), t.triage(), t.scheduledAt(), t.maxRuntimeMs(), maxRetries, t.workspace(), t.actor());
  }

  static CreateTask withRuntime(CreateTask t, Long maxRuntimeMs) {
    return new CreateTask(t.title(), t.body(), t.assignee(), t.parents(), t.priority(), t.tenant(), t.idempotencyKey(),
        t.dedupeScope(), t.triage(), t.scheduledAt(), maxRuntimeMs, t.maxRetries(), t.workspace(), t.actor());
  }

  static CreateTask withWorkspace(CreateTask t, Workspace w) {
    return new CreateTask(t.title(), t.body(), t.assignee(), t.parents(), t.priority(), t.tenant(), t.idempotencyKey(),
        t.dedupeScope(), t.triage(), t.scheduledAt(), t.maxRuntimeMs(), t.maxRetries(), w, t.actor());
  }

  static CreateTask scheduledAt(CreateTask t, long at) {
    return new CreateTask(t.title(), t.body(), t.assignee(), t.parents(), t.priority(), t.tenant(), t.idempotencyKey(),
        t.dedupeScope(), t.triage(), at, t.maxRuntimeMs(), t.maxRetries(), t.workspace(), t.actor());
  }

  String create(CreateTask t) {
    return board().create(t).view().id();
  }

  /** A task for a {@code type: shell} assignee: the body is the script. */
  String shell(String assignee, String script) {
    return create(task("task", script, assignee));
  }

  Task task(String id) {
    return task("default", id);
  }

  Task task(String board, String id) {
    return board(board).show(id, 0).view().task();
  }

  Status status(String id) {
    return task(id).status();
  }

  List<Run> runs(String id) {
    return board().runs(id);
  }

  List<Run> runs(String board, String id) {
    return board(board).runs(id);
  }

  List<Event> events(String id, EventKind kind) {
    return events("default", id, kind);
  }

  List<Event> events(String board, String id, EventKind kind) {
    List<Event> out = new ArrayList<>();
    for (Event e : board(board).events(0, id, 10_000)) {
      if (e.kind() == kind) {
        out.add(e);
      }
    }
    return out;
  }

  void awaitStatus(String id, Status status, Duration within) {
    awaitStatus("default", id, status, within);
  }

  void awaitStatus(String board, String id, Status status, Duration within) {
    try {
      await().atMost(within).until(() -> task(board, id).status() == status);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(id + " did not become " + status.wire() + " within " + within + ":\n" + describe(board, id), e);
    }
  }

  /** The task, its runs and its events, for failure messages. */
  String describe(String board, String id) {
    StringBuilder b = new StringBuilder();
    Task t = task(board, id);
    b.append(t.id()).append(' ').append(t.status().wire()).append(" block_reason=").append(t.blockReason()).append('\n');
    for (Run r : runs(board, id)) {
      b.append("  run ").append(r.id()).append(' ').append(r.outcome()).append(" pid=").append(r.workerPid())
          .append(" error=").append(r.error()).append('\n');
    }
    for (Event e : board(board).events(0, id, 10_000)) {
      b.append("  event ").append(e.id()).append(' ').append(e.kind()).append(' ').append(e.payload()).append('\n');
    }
    return b.toString();
  }

  /** The open run's worker, once the gateway recorded it. */
  Run awaitWorker(String id) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Task t = task(id);
      return t.status() == Status.RUNNING && currentRun(id) != null && currentRun(id).workerPid() != null;
    });
    return currentRun(id);
  }

  Run currentRun(String id) {
    Task t = task(id);
    return t.currentRunId() == null ? null
        : runs(id).stream().filter(r -> r.id() == t.currentRunId()).findFirst().orElse(null);
  }

  Path logs(String taskId) {
    return new KanbanHome(home).logsDir("default").resolve(taskId);
  }

  // ---- invariants ----------------------------------------------------------------------------

  /** {@code PRAGMA integrity_check} on a board's file, from a connection of its own. */
  String integrityCheck(String slug) {
    return integrityCheck(home, slug);
  }

  static String integrityCheck(Path home, String slug) {
    Path db = new KanbanHome(home).boardDir(slug).resolve("board.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return String.join("\n", rows);
    } catch (SQLException e) {
      throw new IllegalStateException("integrity_check failed on " + db, e);
    }
  }

  /** Stops the gateway, leaving its workers running unless asked (the harness stays usable for reads). */
  void stopGateway(boolean stopWorkers) {
    gateway.stop(stopWorkers);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gateway.stop(true);
    } finally {
      clients.values().forEach(LocalBoardService::close);
      Procs.killAllOf(home);
    }
  }
}
