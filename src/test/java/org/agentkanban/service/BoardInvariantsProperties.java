package org.agentkanban.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.CircuitBreaker;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.RunEnd;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.testkit.ManualClock;
import org.agentkanban.testkit.TempHome;

/**
 * Random sequences of verbs on a real SQLite board; after every step the database itself is
 * checked (with its own JDBC connection) for the invariants the whole design rests on. Refusals
 * are expected; any other exception is a bug.
 *
 * <p>Tries: {@value #TRIES_DEFAULT} by default, {@value #TRIES_LONG} with {@code -Dkanban.test.long=true}.
 */
class BoardInvariantsProperties {
  static final int TRIES_DEFAULT = 40;
  static final int TRIES_LONG = 1_000;
  private static final String[] ASSIGNEES = {null, "coder", "reviewer", "other"};
  private static final long[] CLOCK_STEPS = {0, 1_000, 61_000, 30 * 60_000L, 2 * 3_600_000L, 7 * 3_600_000L};

  /** Sets the number of tries from {@code kanban.test.long}. */
  public static final class Tries implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
      context.attributes().setTries(Boolean.getBoolean("kanban.test.long") ? TRIES_LONG : TRIES_DEFAULT);
      return property.execute();
    }

    /** Outermost, so the tries are set before the property starts generating. */
    @Override
    public int aroundPropertyProximity() {
      return -100;
    }
  }

  enum Verb {
    CREATE, LINK, UNLINK, CLAIM, HEARTBEAT, COMPLETE, BLOCK, UNBLOCK, PROMOTE, SCHEDULE, TICK, REQUEST_REVIEW,
    REQUEST_CHANGES, REOPEN_REVIEW, RECLAIM, ARCHIVE, DELETE, END_RUN, ASSIGN
  }

  /** One action: the verb and three numbers that pick its targets and options when it runs. */
  record Step(Verb verb, int a, int b, int c) {
    @Override
    public String toString() {
      return verb + "(" + a + "," + b + "," + c + ")";
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Verb> verbs = Arbitraries.frequency(
        Tuple.of(8, Verb.CREATE), Tuple.of(4, Verb.LINK), Tuple.of(2, Verb.UNLINK), Tuple.of(14, Verb.CLAIM),
        Tuple.of(3, Verb.HEARTBEAT), Tuple.of(6, Verb.COMPLETE), Tuple.of(5, Verb.BLOCK), Tuple.of(4, Verb.UNBLOCK),
        Tuple.of(4, Verb.PROMOTE), Tuple.of(3, Verb.SCHEDULE), Tuple.of(4, Verb.TICK), Tuple.of(4, Verb.REQUEST_REVIEW),
        Tuple.of(3, Verb.REQUEST_CHANGES), Tuple.of(2, Verb.REOPEN_REVIEW), Tuple.of(3, Verb.RECLAIM),
        Tuple.of(2, Verb.ARCHIVE), Tuple.of(2, Verb.DELETE), Tuple.of(12, Verb.END_RUN), Tuple.of(2, Verb.ASSIGN));
    Arbitrary<Integer> n = Arbitraries.integers().between(0, 999);
    return Combinators.combine(verbs, n, n, n).as(Step::new).list().ofMinSize(30).ofMaxSize(80);
  }

  @Property(shrinking = net.jqwik.api.ShrinkingMode.BOUNDED, edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
  @AddLifecycleHook(Tries.class)
  void theBoardsInvariantsHoldAfterEveryAction(@ForAll("steps") List<Step> steps) throws Exception {
    Path root = Files.createTempDirectory("kanban-props");
    try (World w = new World(root)) {
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        String outcome = w.apply(step);
        w.log.add(i + ": " + step + " -> " + outcome);
        w.checkInvariants();
      }
      assertThat(w.integrityCheck()).as("integrity_check").isEqualTo("ok");
    } finally {
      deleteTree(root);
    }
  }

  // ---- the board under test and what the test remembers about it ----------------------------

  private static final class World implements AutoCloseable {
    final ManualClock clock = new ManualClock();
    final LocalBoardService board;
    final Connection db;
    final List<String> ids = new ArrayList<>();
    final Map<String, List<Claim>> claims = new HashMap<>();
    final List<String> log = new ArrayList<>();
    long maxEventId;
    long maxEventCreatedAt;
    long eventsAtOrBelowMax;

    World(Path root) throws SQLException {
      TempHome home = new TempHome(root, clock, ServiceSettings.defaults(), false);
      board = home.board();
      try {
        db = DriverManager.getConnection("jdbc:sqlite:" + home.dbFile("default"));
        try (Statement st = db.createStatement()) {
          st.execute("PRAGMA query_only = ON");
        }
      } catch (SQLException e) {
        board.close();
        throw e;
      }
    }

    private String pick(int n) {
      return ids.get(Math.floorMod(n, ids.size()));
    }

    /**
     * Mostly a task in one of the statuses the verb applies to (so sequences get somewhere), now
     * and then any task (so refusals are exercised too). Ids are random, so the choice goes by
     * creation order to keep a failing sequence reproducible.
     */
    private String pickIn(int n, Status... preferred) {
      return pickWhere(n, "t.status IN (" + Stream.of(preferred).map(st -> "'" + st.wire() + "'")
          .collect(Collectors.joining(", ")) + ")");
    }

    /** As {@link #pickIn}, for tasks matching an SQL condition on {@code tasks t}. */
    private String pickWhere(int n, String condition) {
      if (Math.floorMod(n, 5) != 0) {
        try {
          Set<String> wanted = Set.copyOf(rows("SELECT t.id FROM tasks t WHERE " + condition));
          List<String> matching = ids.stream().filter(wanted::contains).toList();
          if (!matching.isEmpty()) {
            return matching.get(Math.floorMod(n / 5, matching.size()));
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
      return pick(n);
    }

    /** 0: a person; 1: the task's latest run; 2: an earlier (likely stale) run of it. */
    private Actor actor(String id, int mode) {
      List<Claim> cs = claims.getOrDefault(id, List.of());
      if (cs.isEmpty() || mode % 3 == 0) {
        return Actor.person("alice");
      }
      Claim c = mode % 3 == 1 ? cs.get(cs.size() - 1) : cs.get(Math.floorMod(mode, cs.size()));
      return Actor.forRun("worker", c.run().id(), c.runToken());
    }

    String apply(Step s) {
      // Nothing to act on yet: the step creates the first task instead.
      Step step = ids.isEmpty() && s.verb() != Verb.TICK ? new Step(Verb.CREATE, s.a(), s.b(), s.c()) : s;
      try {
        return perform(step);
      } catch (KanbanException e) {
        return "refused " + e.kind() + ": " + e.getMessage();
      }
    }

    private String perform(Step s) {
      switch (s.verb()) {
        case CREATE -> {
          List<String> parents = new ArrayList<>();
          for (int i = 0; i < s.a() % 5 - 2 && !ids.isEmpty(); i++) {
            parents.add(pick(s.a() / 3 + i * 7 + s.c()));
          }
          Integer maxRetries = s.b() % 4 == 0 ? Integer.valueOf(s.b() % 3) : null;
          Long at = s.b() % 5 == 1 ? clock.now() + 60_000L * (1 + s.c() % 120) : null;
          CreateTask r = new CreateTask("task " + ids.size(), null, ASSIGNEES[s.c() % ASSIGNEES.length], parents,
              null, null, null, null, s.b() % 7 == 2, at, null, maxRetries, null, Actor.person("alice"));
          CreateResult created = board.create(r);
          ids.add(created.view().id());
          return "created " + created.view().id() + " " + created.view().task().status() + " under " + parents;
        }
        case LINK -> {
          String child = pickIn(s.b(), Status.READY, Status.REVIEW, Status.RUNNING, Status.BLOCKED);
          return "linked: " + board.link(pick(s.a()), child, Actor.person("alice")).task().status();
        }
        case UNLINK -> {
          String child = pickIn(s.a(), Status.TODO);
          List<String> parents = board.show(child, 1).view().parents();
          String parent = parents.isEmpty() ? pick(s.b()) : parents.get(Math.floorMod(s.b(), parents.size()));
          return "unlinked: " + board.unlink(parent, child, Actor.person("alice")).task().status();
        }
        case CLAIM -> {
          String id = pickIn(s.a(), Status.READY, Status.REVIEW);
          Claim c = board.claim(id, 3 * 3_600_000L, Actor.person("gateway"));
          claims.computeIfAbsent(id, k -> new ArrayList<>()).add(c);
          return "claimed run " + c.run().id();
        }
        case HEARTBEAT -> {
          String id = pickIn(s.a(), Status.RUNNING);
          return "heartbeat: " + board.heartbeat(id, null, actor(id, s.b())).task().status();
        }
        case COMPLETE -> {
          String id = pickIn(s.a(), Status.RUNNING, Status.REVIEW, Status.BLOCKED);
          return "completed: " + board.complete(id, s.c() % 2 == 0 ? "done" : null, null, s.c() % 5 == 0,
              actor(id, s.b())).task().status();
        }
        case BLOCK -> {
          String id = pickIn(s.a(), Status.RUNNING, Status.READY);
          BlockKind kind = s.c() % 5 == 4 ? null : BlockKind.values()[s.c() % 5];
          return "blocked: " + board.block(id, "reason", kind, actor(id, s.b())).task().status();
        }
        case UNBLOCK -> {
          return "unblocked: " + board.unblock(pickIn(s.a(), Status.BLOCKED, Status.SCHEDULED), null, Actor.person("alice")).task().status();
        }
        case PROMOTE -> {
          return "promoted: " + board.promote(pickIn(s.a(), Status.TRIAGE, Status.TODO, Status.BLOCKED, Status.SCHEDULED), null, Actor.person("alice")).task().status();
        }
        case SCHEDULE -> {
          String id = pickIn(s.a(), Status.READY, Status.RUNNING, Status.BLOCKED, Status.TODO);
          long at = clock.now() + 60_000L * (1 + s.c() % 180);
          return "scheduled: " + board.schedule(id, at, null, actor(id, s.b())).task().status();
        }
        case TICK -> {
          clock.advance(CLOCK_STEPS[s.a() % CLOCK_STEPS.length]);
          TickResult r = board.tick();
          return "tick: woke " + r.woken() + ", released " + r.released();
        }
        case REQUEST_REVIEW -> {
          String id = pickIn(s.a(), Status.RUNNING, Status.READY);
          String reviewer = ASSIGNEES[s.c() % ASSIGNEES.length];
          return "review: " + board.requestReview(id, "summary", null, reviewer, actor(id, s.b())).task().status();
        }
        case REQUEST_CHANGES -> {
          String id = pickWhere(s.a(), "t.status = 'running' AND (SELECT lane FROM runs WHERE id = t.current_run_id) = 'review'");
          return "changes: " + board.requestChanges(id, s.c() % 2 == 0 ? "fix it" : null, actor(id, s.b()))
              .task().status();
        }
        case REOPEN_REVIEW -> {
          return "reopened: " + board.reopenReview(pickIn(s.a(), Status.REVIEW), null, Actor.person("alice")).task().status();
        }
        case RECLAIM -> {
          return "reclaimed: " + board.reclaim(pickIn(s.a(), Status.RUNNING), null, Actor.person("alice")).task().status();
        }
        case ARCHIVE -> {
          return "archived: " + board.archive(pick(s.a()), null, Actor.person("alice")).task().status();
        }
        case DELETE -> {
          String id = pickIn(s.a(), Status.ARCHIVED);
          board.delete(id, Actor.person("alice"));
          ids.remove(id);
          claims.remove(id);
          return "deleted " + id;
        }
        case END_RUN -> {
          String id = pickIn(s.a(), Status.RUNNING);
          Task t = board.show(id, 1).view().task();
          List<Claim> cs = claims.getOrDefault(id, List.of());
          long runId = t.currentRunId() != null && s.c() % 7 != 0 ? t.currentRunId()
              : cs.isEmpty() ? 1 : cs.get(Math.floorMod(s.c(), cs.size())).run().id();
          RunEnd end = switch (s.b() % 5) {
            case 0 -> RunEnd.crashed(1, "crash");
            case 1 -> RunEnd.timedOut("timeout");
            case 2 -> RunEnd.spawnFailed("no binary");
            case 3 -> RunEnd.protocolViolation("exit 0");
            default -> RunEnd.rateLimited("429");
          };
          return "ended " + end.outcome() + ": " + board.endRun(id, runId, end, Actor.person("gateway")).task().status();
        }
        case ASSIGN -> {
          String to = ASSIGNEES[s.b() % ASSIGNEES.length];
          return "assigned: " + board.assign(pick(s.a()), to, s.c() % 2 == 0, Actor.person("alice")).task().assignee();
        }
        default -> throw new IllegalStateException(s.verb().name());
      }
    }

    // ---- invariants, read straight from the database --------------------------------------------

    private List<String> rows(String sql) throws SQLException {
      List<String> out = new ArrayList<>();
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        int cols = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= cols; i++) {
            row.append(i > 1 ? " | " : "").append(rs.getString(i));
          }
          out.add(row.toString());
        }
      }
      return out;
    }

    private long number(String sql) throws SQLException {
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    private void none(String what, String sql) throws SQLException {
      assertThat(rows(sql)).as("%s, after:%n%s", what, String.join("\n", log)).isEmpty();
    }

    void checkInvariants() throws SQLException {
      none("running <=> exactly one open run, and it is the current run",
          """
          SELECT t.id, t.status, t.current_run_id,
                 (SELECT count(*) FROM runs r WHERE r.task_id = t.id AND r.ended_at IS NULL) AS open_runs
          FROM tasks t
          WHERE open_runs <> CASE WHEN t.status = 'running' THEN 1 ELSE 0 END
             OR (t.status = 'running') <> (t.current_run_id IS NOT NULL)
             OR (t.current_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs r
                   WHERE r.id = t.current_run_id AND r.task_id = t.id AND r.ended_at IS NULL))""");
      none("no ready or review task waits on an unfinished parent",
          """
          SELECT c.id, c.status, p.id, p.status FROM tasks c
          JOIN links l ON l.child_id = c.id JOIN tasks p ON p.id = l.parent_id
          WHERE c.status IN ('ready', 'review') AND p.status NOT IN ('done', 'archived')""");
      // The breaker trips once a budget is exceeded, so a counter ends at most one past its limit.
      // Promote and schedule do not reset the counters (only complete, unblock, reclaim and a new
      // assignee do), so a person who releases a tripped task that way grants it one more attempt
      // each time: the bound grows by one per such release.
      int max = CircuitBreaker.DEFAULT_MAX_RETRIES;
      none("the breaker bounds consecutive failures and protocol violations",
          """
          SELECT id, status, consecutive_failures, protocol_violations, max_retries, releases FROM (
            SELECT t.*, (SELECT count(*) FROM events e WHERE e.task_id = t.id
                           AND e.kind IN ('promoted_manual', 'scheduled')
                           AND e.payload LIKE '%%"from":"blocked"%%') AS releases
            FROM tasks t)
          WHERE consecutive_failures > coalesce(max_retries, %d) + 1 + releases
             OR protocol_violations > min(%d, coalesce(max_retries, %d) + 1) + releases"""
              .formatted(max, CircuitBreaker.PROTOCOL_VIOLATION_LIMIT, max));
      none("foreign keys hold", "PRAGMA foreign_key_check");
      none("no orphan rows",
          """
          SELECT 'link', parent_id, child_id FROM links
            WHERE parent_id NOT IN (SELECT id FROM tasks) OR child_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'run', id, task_id FROM runs WHERE task_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'event', id, task_id FROM events
            WHERE task_id IS NOT NULL AND task_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'event run', id, run_id FROM events
            WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM runs)
          UNION ALL SELECT 'comment', id, task_id FROM comments WHERE task_id NOT IN (SELECT id FROM tasks)
          UNION ALL SELECT 'attachment', id, task_id FROM attachments WHERE task_id NOT IN (SELECT id FROM tasks)""");
      none("event ids increase with time",
          "SELECT a.id, b.id FROM events a JOIN events b ON b.id = (SELECT min(id) FROM events WHERE id > a.id)"
              + " WHERE b.created_at < a.created_at");

      long newMax = number("SELECT coalesce(max(id), 0) FROM events");
      assertThat(newMax).as("max event id never decreases, after:%n%s", String.join("\n", log))
          .isGreaterThanOrEqualTo(maxEventId);
      long belowOldMax = number("SELECT count(*) FROM events WHERE id <= " + maxEventId);
      assertThat(belowOldMax).as("no event is written under an old id, after:%n%s", String.join("\n", log))
          .isLessThanOrEqualTo(eventsAtOrBelowMax);
      long firstNewAt = number("SELECT coalesce(min(created_at), " + maxEventCreatedAt + ") FROM events WHERE id > "
          + maxEventId);
      assertThat(firstNewAt).as("new events are not older than earlier ones").isGreaterThanOrEqualTo(maxEventCreatedAt);
      maxEventId = newMax;
      eventsAtOrBelowMax = number("SELECT count(*) FROM events");
      maxEventCreatedAt = number("SELECT coalesce(max(created_at), 0) FROM events");
    }

    String integrityCheck() throws SQLException {
      return String.join("\n", rows("PRAGMA integrity_check"));
    }

    @Override
    public void close() throws SQLException {
      try {
        db.close();
      } finally {
        board.close();
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
