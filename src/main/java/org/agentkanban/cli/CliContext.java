package org.agentkanban.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
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

  final Map<String, String> env;
  final PrintStream out;
  final PrintStream err;
  final InputStream in;
  final Clock clock;
  private Boards boards;

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
    return boards().home();
  }

  Boards boards() {
    if (boards == null) {
      KanbanHome home = KanbanHome.fromEnvironment(env);
      boards = new Boards(home, new SqliteStoreFactory(clock, SqliteOptions.defaults()), clock, settings());
    }
    return boards;
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

  /** Opens the board a command means (resolution: --board > KANBAN_BOARD > current > default). */
  BoardService openBoard(String explicit) {
    Boards b = boards();
    return b.open(b.resolve(explicit, env), BoardListener.NONE);
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
    if (run == null && env.get(ENV_RUN) != null && !env.get(ENV_RUN).isBlank()) {
      try {
        run = Long.parseLong(env.get(ENV_RUN).strip());
      } catch (NumberFormatException e) {
        throw KanbanException.invalid(ENV_RUN + " must be a run id, got '" + env.get(ENV_RUN) + "'");
      }
      token = env.get(ENV_RUN_TOKEN);
    }
    return run == null ? Actor.person(actorName()) : new Actor(actorName(), run, token == null || token.isBlank() ? null : token);
  }

  /** The task a worker was started for, when a verb is given no id. */
  String defaultTask() {
    String t = env.get(ENV_TASK);
    return t == null || t.isBlank() ? null : t.strip();
  }
}
