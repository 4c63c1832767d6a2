package org.agentkanban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.agentkanban.config.BoardConfig;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.Claim;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;

/**
 * The storage benchmark behind {@code kanban bench}: how close a task's lifecycle comes to the raw
 * commit rate of SQLite on the same file system, and how fast {@code list} and {@code show} stay
 * on a big board. Every ratio is measured against a baseline taken in the same run, with the raw
 * and lifecycle measurements alternating in rounds, because the machine is noisy and shared.
 *
 * <p>What is measured (see docs/BENCHMARKS.md):
 *
 * <ul>
 *   <li>raw commits/s: {@link RawCommits}, one row per {@code BEGIN IMMEDIATE … COMMIT};
 *   <li>lifecycles/s: create → claim → complete through {@link LocalBoardService}, each verb its
 *       own transaction, as an orchestrator, the dispatcher and a worker (with its run token) do;
 *       lifecycle commits/s = 3 × lifecycles/s, and the ratio to raw commits/s of the same
 *       {@code synchronous} mode (target ≥ 0.7);
 *   <li>on a board of {@code --tasks} tasks: {@code list --status ready --limit 50} and {@code show}
 *       of a task with 1,000 events (20 shown, and all), p50/p99 in-process (target p99 < 10 ms).
 * </ul>
 *
 * <p>Boards are opened the way the CLI opens them ({@link Boards} over {@link SqliteStoreFactory}),
 * with {@code synchronous} set in each board's {@code board.yaml}. Database files are never touched
 * with Java I/O while open; the whole work directory is deleted after every store is closed.
 */
public final class StoreBenchmark {
  public static final int TASKS_DEFAULT = 100_000;
  public static final double SECONDS_DEFAULT = 5;
  /** Events on the task {@code show} reads, as the issue asks. */
  static final int SHOW_TASK_EVENTS = 1_000;
  /** Raw and lifecycle measurements alternate this many times per synchronous mode. */
  private static final int ROUNDS = 4;
  private static final double RATIO_TARGET = 0.7;
  private static final double P99_TARGET_MS = 10.0;
  private static final int LOAD_BATCH = 5_000;

  private static final Actor ORCHESTRATOR = Actor.person("bench-orchestrator");
  private static final Actor DISPATCHER = Actor.person("bench-dispatcher");

  /**
   * @param tasks tasks on the big board for list/show
   * @param seconds measuring time per rate (raw or lifecycle) and synchronous mode
   * @param dir where the temporary boards live; must be the file system you care about
   * @param quick tiny sizes and iteration counts, for tests: the numbers mean nothing
   */
  public record Options(int tasks, double seconds, Path dir, boolean quick) {
    public Options {
      if (tasks < 1_000) {
        throw KanbanException.invalid("--tasks must be at least 1000");
      }
      if (!(seconds > 0) || seconds > 3_600) {
        throw KanbanException.invalid("--seconds must be more than 0 and at most 3600");
      }
      if (dir == null || !Files.isDirectory(dir)) {
        throw KanbanException.invalid("--dir must be an existing directory, got " + dir);
      }
    }

    public static Options quick(Path dir) {
      return new Options(2_000, 0.2, dir, true);
    }
  }

  private final Options options;
  private final PrintStream out;
  private final PrintStream progress;
  private final ResultTable table = new ResultTable();

  public StoreBenchmark(Options options, PrintStream out, PrintStream progress) {
    this.options = options;
    this.out = out;
    this.progress = progress;
  }

  /** Runs every measurement, prints the table to {@code out}, and removes its files. */
  public void run() {
    Path work;
    try {
      work = Files.createTempDirectory(options.dir().toAbsolutePath(), "kanban-bench-");
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot create a work directory in " + options.dir() + ": " + e.getMessage(), e);
    }
    try {
      String[] versions = measureRates(work);
      measureReads(work);
      printReport(work, versions);
    } catch (SQLException e) {
      throw KanbanException.unavailable("benchmark failed: " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  // ---- commit rates ------------------------------------------------------------------------

  /** Returns the SQLite and sqlite-jdbc versions. */
  private String[] measureRates(Path work) throws SQLException {
    Boards boards = boards(work);
    try (RawCommits rawFull = new RawCommits(work.resolve("raw-full.db"), true);
        RawCommits rawNormal = new RawCommits(work.resolve("raw-normal.db"), false);
        LocalBoardService full = benchBoard(boards, "lifecycle-full", true);
        LocalBoardService normal = benchBoard(boards, "lifecycle-normal", false)) {
      // The JIT warms up where iterations are cheap (NORMAL), so that no mode is measured while
      // the service code is still being compiled; each mode then settles briefly on its own files.
      double warmUp = options.quick() ? 0.1 : Math.min(3.0, options.seconds());
      progress.printf(Locale.ROOT, "bench: warming up (%.1f s)%n", 2 * warmUp);
      rawNormal.commitUntil(deadline(warmUp));
      lifecyclesUntil(normal, deadline(warmUp));
      measureRate("FULL", rawFull, full);
      measureRate("NORMAL", rawNormal, normal);
      return new String[] {rawFull.sqliteVersion(), rawFull.driverVersion()};
    }
  }

  private void measureRate(String mode, RawCommits raw, LocalBoardService board) throws SQLException {
    double settle = options.quick() ? 0.05 : Math.min(0.5, options.seconds() / ROUNDS);
    raw.commitUntil(deadline(settle));
    lifecyclesUntil(board, deadline(settle));
    progress.printf(Locale.ROOT, "bench: raw commits vs lifecycles, synchronous=%s (%d rounds, %.1f s each side)%n",
        mode, ROUNDS, options.seconds());
    long rawOps = 0;
    long rawNanos = 0;
    long lifecycles = 0;
    long lifecycleNanos = 0;
    double slice = options.seconds() / ROUNDS;
    for (int round = 0; round < ROUNDS; round++) {
      long start = System.nanoTime();
      rawOps += raw.commitUntil(deadline(slice));
      long mid = System.nanoTime();
      lifecycles += lifecyclesUntil(board, deadline(slice));
      long end = System.nanoTime();
      rawNanos += mid - start;
      lifecycleNanos += end - mid;
    }
    double rawRate = rawOps / (rawNanos / 1e9);
    double lifecycleRate = lifecycles / (lifecycleNanos / 1e9);
    double commitRate = 3 * lifecycleRate;
    double ratio = commitRate / rawRate;
    table.info("raw commits/s (" + mode + ")", rate(rawRate));
    table.info("lifecycles/s (" + mode + ")", rate(lifecycleRate));
    table.add("lifecycle commits/s (" + mode + ")", rate(commitRate), rate(rawRate),
        String.format(Locale.ROOT, "%.2f", ratio), String.format(Locale.ROOT, "≥ %.2f", RATIO_TARGET),
        ratio >= RATIO_TARGET ? "PASS" : "MISS");
  }

  /** create → claim → complete, each one transaction, until the deadline; returns how many. */
  private static long lifecyclesUntil(LocalBoardService board, long deadlineNanos) {
    long n = 0;
    do {
      String id = board.create(CreateTask.titled("benchmark lifecycle", ORCHESTRATOR).withAssignee("worker")).view().id();
      Claim claim = board.claim(id, LocalBoardService.LEASE_TTL_MS_DEFAULT, DISPATCHER);
      board.complete(id, "done", null, false, Actor.forRun("worker", claim.run().id(), claim.runToken()));
      n++;
    } while (System.nanoTime() < deadlineNanos);
    return n;
  }

  // ---- list and show on a big board --------------------------------------------------------

  private void measureReads(Path work) {
    Boards boards = boards(work);
    try (LocalBoardService board = benchBoard(boards, "big", true)) {
      progress.printf(Locale.ROOT, "bench: loading %,d tasks%n", options.tasks());
      long start = System.nanoTime();
      int ready = bulkLoad(board, options.tasks());
      double loadSeconds = (System.nanoTime() - start) / 1e9;
      String showId = taskWithEvents(board, SHOW_TASK_EVENTS);
      table.info(String.format(Locale.ROOT, "bulk load of %,d tasks (s)", options.tasks()),
          String.format(Locale.ROOT, "%.1f", loadSeconds));

      int warm = options.quick() ? 20 : 500;
      int times = options.quick() ? 50 : 5_000;
      progress.printf(Locale.ROOT, "bench: list and show, %,d calls each after %,d to warm up%n", times, warm);
      TaskQuery readyQuery = TaskQuery.byStatus(Status.READY, 50);
      if (board.list(readyQuery).size() != Math.min(50, ready)) {
        throw new IllegalStateException("list returned an unexpected number of ready tasks");
      }
      if (board.show(showId, SHOW_TASK_EVENTS).events().size() != SHOW_TASK_EVENTS) {
        throw new IllegalStateException("the show task does not have " + SHOW_TASK_EVENTS + " events");
      }
      latencyRows("list --status ready --limit 50", warm, times, () -> board.list(readyQuery));
      latencyRows("show, 20 of 1,000 events", warm, times, () -> board.show(showId, 20));
      latencyRows("show, all 1,000 events", warm, times / 5, () -> board.show(showId, SHOW_TASK_EVENTS));
    }
  }

  private void latencyRows(String what, int warm, int times, Runnable call) {
    Latencies.measure(warm, call);
    Latencies l = Latencies.measure(times, call);
    table.info(what + " p50 (ms)", ms(l.percentileMs(50)));
    double p99 = l.percentileMs(99);
    table.add(what + " p99 (ms)", ms(p99), "", "", String.format(Locale.ROOT, "< %.0f ms", P99_TARGET_MS),
        p99 < P99_TARGET_MS ? "PASS" : "MISS");
  }

  /**
   * Loads {@code n} tasks through the store in large transactions (the load is not the
   * measurement): a realistic mix of statuses, priorities and assignees, each with its created
   * event. Returns how many are ready.
   */
  static int bulkLoad(LocalBoardService board, int n) {
    Random random = new Random(42);
    String[] assignees = {"coder", "writer", "reviewer", "tester", null};
    long t0 = Clock.SYSTEM.now() - n * 1_000L;
    int ready = 0;
    for (int from = 0; from < n; from += LOAD_BATCH) {
      int to = Math.min(n, from + LOAD_BATCH);
      List<Task> batch = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        Status status = loadStatus(i);
        ready += status == Status.READY ? 1 : 0;
        long created = t0 + i * 1_000L;
        batch.add(Task.builder(TaskIds.next(), "bulk task " + i, created)
            .body("Generated by kanban bench.")
            .assignee(assignees[random.nextInt(assignees.length)])
            .priority(random.nextInt(4))
            .status(status)
            .completedAt(status == Status.DONE || status == Status.ARCHIVED ? created + 500 : null)
            .build());
      }
      board.store().write(tx -> {
        for (Task t : batch) {
          tx.taskInsert(t);
          tx.eventAppend(new Event(0, t.id(), null, EventKind.CREATED, "bench", "{\"status\":\"" + t.status().wire() + "\"}",
              t.createdAt()));
        }
        return null;
      });
    }
    return ready;
  }

  /** 20 % ready, 10 % todo, 5 % each blocked, review and archived, 55 % done. */
  private static Status loadStatus(int i) {
    return switch (i % 20) {
      case 0, 1, 2, 3 -> Status.READY;
      case 4, 5 -> Status.TODO;
      case 6 -> Status.BLOCKED;
      case 7 -> Status.REVIEW;
      case 8 -> Status.ARCHIVED;
      default -> Status.DONE;
    };
  }

  /**
   * A task with a finished parent, a child, a few comments, one run and exactly {@code events}
   * events: created, claimed, heartbeats and comments in between, completed.
   */
  private static String taskWithEvents(LocalBoardService board, int events) {
    String parent = board.create(CreateTask.titled("show parent", ORCHESTRATOR)).view().id();
    board.complete(parent, null, null, false, ORCHESTRATOR);
    String id = board.create(CreateTask.titled("the task show reads", ORCHESTRATOR).withAssignee("worker")
        .withParents(List.of(parent))).view().id();
    board.create(CreateTask.titled("show child", ORCHESTRATOR).withParents(List.of(id)));
    Claim claim = board.claim(id, LocalBoardService.LEASE_TTL_MS_DEFAULT, DISPATCHER);
    Actor worker = Actor.forRun("worker", claim.run().id(), claim.runToken());
    int comments = 5;
    for (int i = 0; i < comments; i++) {
      board.comment(id, "progress note " + i, worker);
    }
    int fillers = events - 3 - comments; // created, claimed, completed
    long now = Clock.SYSTEM.now();
    board.store().write(tx -> {
      for (int i = 0; i < fillers; i++) {
        tx.eventAppend(new Event(0, id, claim.run().id(), EventKind.HEARTBEAT, "worker",
            "{\"lease_expires_at\":" + (now + 900_000) + ",\"note\":\"step " + i + "\"}", now));
      }
      return null;
    });
    board.complete(id, "finished after many steps", null, false, worker);
    return id;
  }

  // ---- output ------------------------------------------------------------------------------

  private void printReport(Path work, String[] versions) {
    String fileSystem;
    try {
      fileSystem = Files.getFileStore(work).type();
    } catch (IOException e) {
      fileSystem = "unknown";
    }
    out.println("kanban bench store — " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
    out.printf("SQLite %s (sqlite-jdbc %s), Java %s, %d CPUs%n", versions[0], versions[1],
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    out.printf("directory %s (%s)%n", options.dir().toAbsolutePath(), fileSystem);
    out.printf(Locale.ROOT, "rates: %.1f s per side and synchronous mode, in %d alternating rounds; "
        + "big board: %,d tasks%s%n", options.seconds(), ROUNDS, options.tasks(),
        options.quick() ? "; QUICK MODE: sizes too small for the numbers to mean anything" : "");
    out.println();
    table.print(out);
  }

  ResultTable table() {
    return table;
  }

  private static Boards boards(Path work) {
    KanbanHome home = new KanbanHome(work.resolve("home"));
    return new Boards(home, new SqliteStoreFactory(Clock.SYSTEM, SqliteOptions.defaults()), Clock.SYSTEM,
        ServiceSettings.defaults());
  }

  /** A new board whose board.yaml sets the synchronous mode, opened as the CLI opens boards. */
  private static LocalBoardService benchBoard(Boards boards, String slug, boolean synchronousFull) {
    Path dir = boards.home().boardDir(slug);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot create " + dir + ": " + e.getMessage(), e);
    }
    new BoardConfig(slug, "kanban bench", null, synchronousFull ? "full" : "normal", null, Clock.SYSTEM.now())
        .write(boards.home().boardYaml(slug));
    return boards.create(slug, null, null, false, BoardListener.NONE);
  }

  private static long deadline(double seconds) {
    return System.nanoTime() + (long) (seconds * 1e9);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** Removes the work directory; every connection to its databases is closed by now. */
  private void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress.println("bench: could not remove " + root + ": " + e.getMessage());
    }
  }
}
