package org.agentkanban.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.gateway.HostIdentity;
import org.agentkanban.remote.RemoteBoardService;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.Boards;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;

/**
 * What every command needs from the outside world: environment, streams, clock and the boards of
 * this {@code $KANBAN_HOME}. Built once by {@link Main}; tests build their own.
 */
final class CliContext {
  static final String ENV_ACTOR = "KANBAN_ACTOR";
  static final String ENV_TASK = "KANBAN_TASK";
  static final String ENV_RUN = "KANBAN_RUN";
  static final String ENV_RUN_TOKEN = "KANBAN_RUN_TOKEN";
  static final String ENV_ATTACHMENT_MAX = "KANBAN_ATTACHMENT_MAX_BYTES";
  /** The gateway a worker was started by; with KANBAN_RUN_TOKEN, every board verb goes through it. */
  static final String ENV_URL = "KANBAN_URL";
  /** A gateway on this host answers a connect at once; a closed port is refused at once. */
  static final int GATEWAY_PROBE_MS = 500;

  final Map<String, String> env;
  final PrintStream out;
  final PrintStream err;
  final InputStream in;
  final Clock clock;
  private Boards boards;
  private Optional<GatewayFile> gateway;

  CliContext(Map<String, String> env, PrintStream out, PrintStream err, InputStream in, Clock clock) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.in = in;
    this.clock = clock;
  }

  ZoneId zone() {
    return ZoneId.systemDefault();
  }

  KanbanHome home() {
    return boards == null ? KanbanHome.fromEnvironment(env) : boards.home();
  }

  Boards boards() {
    if (boards == null) {
      KanbanHome home = KanbanHome.fromEnvironment(env);
      boards = new Boards(home, new SqliteStoreFactory(clock, SqliteOptions.defaults()), clock, settings());
    }
    return boards;
  }

  long attachmentMaxBytes() {
    return settings().attachmentMaxBytes();
  }

  private ServiceSettings settings() {
    ServiceSettings defaults = ServiceSettings.defaults();
    String max = env.get(ENV_ATTACHMENT_MAX);
    if (max == null || max.isBlank()) {
      return defaults;
    }
    try {
      long bytes = Long.parseLong(max.strip());
      if (bytes <= 0) {
        throw new NumberFormatException();
      }
      return new ServiceSettings(defaults.maxRetries(), bytes);
    } catch (NumberFormatException e) {
      throw KanbanException.invalid(ENV_ATTACHMENT_MAX + " must be a positive number of bytes, got '" + max + "'");
    }
  }

  /**
   * Opens the board a command means (resolution: --board > KANBAN_BOARD > current > default):
   * through the worker's gateway ({@code KANBAN_URL} with {@code KANBAN_RUN_TOKEN}), through the
   * live gateway serving this {@code $KANBAN_HOME}, or else directly from its files.
   */
  BoardService openBoard(String explicit) {
    if (isWorker()) {
      return workerBoard(explicit);
    }
    Boards b = boards();
    String slug = b.resolve(explicit, env);
    Optional<GatewayFile> live = liveGateway();
    if (live.isPresent()) {
      return RemoteBoardService.admin(live.get().url(), live.get().adminToken(), slug);
    }
    return b.open(slug, BoardListener.NONE);
  }

  /** Inside a worker started by a gateway: it reaches its board only through that gateway. */
  boolean isWorker() {
    return notBlank(env.get(ENV_URL)) && notBlank(env.get(ENV_RUN_TOKEN));
  }

  /** A worker's board, needing nothing but its environment (no access to $KANBAN_HOME). */
  private BoardService workerBoard(String explicit) {
    String slug = explicit != null ? explicit : notBlank(env.get(Boards.ENV_BOARD)) ? env.get(Boards.ENV_BOARD).strip()
        : BoardSlug.DEFAULT;
    BoardSlug.require(slug);
    Long run = runFromEnv();
    if (run == null) {
      throw KanbanException.invalid(ENV_RUN + " must be set with " + ENV_RUN_TOKEN + " (the run the token belongs to)");
    }
    String task = defaultTask();
    if (task == null) {
      throw KanbanException.invalid(ENV_TASK + " must be set with " + ENV_RUN_TOKEN + " (the task of the run)");
    }
    return RemoteBoardService.forRun(env.get(ENV_URL).strip(), env.get(ENV_RUN_TOKEN).strip(), run, task, slug);
  }

  /**
   * The gateway serving this {@code $KANBAN_HOME}, if one runs: {@code gateway.json} names it, its
   * process (same pid and start time, on this host) is alive and its port accepts connections. A
   * stale file from a gateway that died is ignored.
   */
  Optional<GatewayFile> liveGateway() {
    if (gateway == null) {
      gateway = GatewayFile.read(home().gatewayFile())
          .filter(g -> g.adminToken() != null && !g.adminToken().isBlank())
          .filter(g -> g.hostId() == null || HostIdentity.isCurrent(g.hostId()))
          .filter(GatewayFile::processAlive)
          .filter(g -> g.portOpen(GATEWAY_PROBE_MS));
    }
    return gateway;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  String actorName() {
    String a = env.get(ENV_ACTOR);
    if (a == null || a.isBlank()) {
      a = env.get("USER");
    }
    return a == null || a.isBlank() ? "user" : a;
  }

  /** A person, or, inside a worker ({@code KANBAN_RUN} set), the worker's run with its token. */
  Actor actor(Long runOverride) {
    Long run = runOverride;
    String token = null;
    if (run == null && runFromEnv() != null) {
      run = runFromEnv();
      token = env.get(ENV_RUN_TOKEN);
    }
    return run == null ? Actor.person(actorName()) : new Actor(actorName(), run, token == null || token.isBlank() ? null : token);
  }

  private Long runFromEnv() {
    String raw = env.get(ENV_RUN);
    if (!notBlank(raw)) {
      return null;
    }
    try {
      return Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      throw KanbanException.invalid(ENV_RUN + " must be a run id, got '" + raw + "'");
    }
  }

  /** The task a worker was started for, when a verb is given no id. */
  String defaultTask() {
    String t = env.get(ENV_TASK);
    return t == null || t.isBlank() ? null : t.strip();
  }
}
