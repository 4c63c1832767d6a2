package org.agentkanban.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;

/**
 * {@code gateway-kills}: a gateway ({@code kanban serve}, a JVM of its own) dispatches tasks to
 * real shell workers and is SIGKILLed at random instants and started again. Each worker appends
 * "&lt;task&gt; start &lt;pid&gt;" and later "&lt;task&gt; done" to a ledger ({@code >>}, O_APPEND),
 * and exits 0 (shell workers complete on exit; they take 0.2 to 1.8 s, one in ten 6 s). A monitor samples the live workers from /proc
 * every 20 ms. At the end every task must be done exactly once: one start and one done line in
 * the ledger, one completed run on the board, and never two live workers for one task.
 */
final class GatewayKillDrill implements CrashDrill {
  private static final String CONFIG = """
      gateway:
        max_workers: 8
        board_max_workers: 8
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
          max_concurrent: 8
      """;
  /** A kill comes at a random instant this long after the gateway began to listen. */
  private static final int MIN_KILL_DELAY_MS = 300;
  private static final int MAX_KILL_DELAY_MS = 2_500;

  @Override
  public String name() {
    return "gateway-kills";
  }

  record Size(int tasks, int kills) {}

  /** Null: the size of the options (quick, CI, long). */
  private final Size size;

  GatewayKillDrill() {
    this(null);
  }

  GatewayKillDrill(Size size) {
    this.size = size;
  }

  private Size size(BenchOptions options) {
    if (size != null) {
      return size;
    }
    return options.quick() ? new Size(10, 2) : options.longMode() ? new Size(300, 50) : new Size(300, 10);
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    Size size = size(options);
    Path root = Files.createTempDirectory(options.dir(), "gateway-kills-");
    Path home = Files.createDirectories(root.resolve("home"));
    Path ledger = root.resolve("ledger");
    Files.writeString(home.resolve("config.yaml"), CONFIG);
    List<String> tasks = createTasks(home, ledger, size.tasks());
    ChildJvm jvm = new ChildJvm(root);
    Random random = new Random(4242);
    int kills = 0;
    long started = System.nanoTime();
    DrillGateway gateway = null;
    List<String> duplicates;
    long samples;
    int maxLive;
    try (WorkerMonitor monitor = new WorkerMonitor(home)) {
      try {
        gateway = DrillGateway.start(jvm, home);
        while (kills < size.kills()) {
          Thread.sleep(MIN_KILL_DELAY_MS + random.nextInt(MAX_KILL_DELAY_MS - MIN_KILL_DELAY_MS));
          gateway.kill();
          kills++;
          long restart = System.nanoTime();
          gateway = DrillGateway.start(jvm, home);
          progress.printf(Locale.ROOT, "  gateway-kills: kill %d of %d, %d of %d tasks done, restarted in %.1f s%n",
              kills, size.kills(), doneLines(ledger), tasks.size(), (System.nanoTime() - restart) / 1e9);
        }
        waitUntilDone(home, tasks.size(), progress);
      } finally {
        if (gateway != null) {
          gateway.kill();
        }
        monitor.close();
        LiveWorkers.killAll(home);
      }
      duplicates = monitor.duplicates();
      samples = monitor.samples();
      maxLive = monitor.maxLive();
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    Map<String, int[]> ledgerCounts = ledger(ledger);
    int ledgerWrong = 0;
    List<String> findings = new ArrayList<>();
    for (String task : tasks) {
      int[] c = ledgerCounts.getOrDefault(task, new int[2]);
      if (c[0] != 1 || c[1] != 1) {
        ledgerWrong++;
        findings.add(task + ": " + c[0] + " starts and " + c[1] + " dones in the ledger");
      }
    }
    int boardWrong;
    int integrityFailures;
    List<String> invariants;
    long adopted;
    long released;
    try (BoardCheck board = new BoardCheck(home.resolve("boards").resolve("default").resolve("board.db"))) {
      String integrity = board.integrity();
      integrityFailures = integrity.equals("ok") ? 0 : 1;
      if (integrityFailures > 0) {
        findings.add("integrity_check: " + integrity);
      }
      invariants = board.invariantViolations();
      findings.addAll(invariants);
      List<String> wrong = board.rows("""
          SELECT t.id, t.status, (SELECT count(*) FROM runs r WHERE r.task_id = t.id AND r.outcome = 'completed') AS n
          FROM tasks t WHERE t.status <> 'done' OR n <> 1""");
      boardWrong = wrong.size();
      wrong.forEach(w -> findings.add("on the board: " + w + " (task, status, completed runs)"));
      adopted = board.number("SELECT count(*) FROM events WHERE kind = 'worker_adopted'");
      released = board.number("SELECT count(*) FROM runs WHERE outcome = 'reclaimed'");
    }
    findings.addAll(duplicates);
    table.info("gateway kills: SIGKILLs of the gateway survived", Integer.toString(kills));
    table.info("gateway kills: tasks (shell workers)", Integer.toString(tasks.size()));
    table.info("gateway kills: seconds until every task was done", String.format(Locale.ROOT, "%.1f", seconds));
    table.info("gateway kills: workers adopted by a restarted gateway", Long.toString(adopted));
    table.info("gateway kills: runs released (claimed, never started)", Long.toString(released));
    table.info("gateway kills: monitor samples (most live workers at once)", samples + " (" + maxLive + ")");
    zero(table, "gateway kills: duplicate live workers observed", duplicates.size());
    zero(table, "gateway kills: tasks not run exactly once (ledger)", ledgerWrong);
    zero(table, "gateway kills: tasks not done with exactly one completed run", boardWrong);
    zero(table, "gateway kills: integrity failures", integrityFailures);
    zero(table, "gateway kills: invariant violations", invariants.size());
    findings.stream().limit(20).forEach(f -> progress.println("  FOUND: " + f));
    DrillScratch.finish(root, findings.isEmpty(), progress);
  }

  private static void zero(ResultTable table, String measurement, long value) {
    table.add(measurement, Long.toString(value), "", "", "0", value == 0 ? "PASS" : "FAIL");
  }

  /** The tasks, ready for the shell assignee, created before any gateway runs. */
  private static List<String> createTasks(Path home, Path ledger, int n) {
    // Workers of 0.2 to 1.8 s, and one in ten of 6 s: the short ones finish while no gateway runs,
    // the long ones outlive a restart and are adopted.
    Boards boards = new Boards(new KanbanHome(home), new SqliteStoreFactory(Clock.SYSTEM, SqliteOptions.defaults()),
        Clock.SYSTEM, ServiceSettings.defaults());
    List<String> ids = new ArrayList<>();
    try (LocalBoardService board = boards.open("default", BoardListener.NONE)) {
      Actor actor = Actor.person("drill");
      for (int i = 0; i < n; i++) {
        String body = "echo \"$KANBAN_TASK start $$\" >> '" + ledger + "'\n"
            + "sleep " + (i % 10 == 9 ? "6" : String.format(Locale.ROOT, "%.1f", 0.2 + (i % 10) * 0.2)) + "\n"
            + "echo \"$KANBAN_TASK done\" >> '" + ledger + "'\n";
        CreateTask t = CreateTask.titled("ledger task " + i, actor).withAssignee("sh");
        t = new CreateTask(t.title(), body, t.assignee(), t.parents(), t.priority(), t.tenant(), t.idempotencyKey(),
            t.dedupeScope(), t.triage(), t.scheduledAt(), t.maxRuntimeMs(), t.maxRetries(), t.workspace(), actor);
        ids.add(board.create(t).view().task().id());
      }
    }
    return ids;
  }

  private void waitUntilDone(Path home, int tasks, PrintStream progress) throws Exception {
    Path db = home.resolve("boards").resolve("default").resolve("board.db");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(120, tasks));
    try (BoardCheck board = new BoardCheck(db)) {
      while (System.nanoTime() < deadline) {
        long done = board.number("SELECT count(*) FROM tasks WHERE status = 'done'");
        if (done >= tasks) {
          return;
        }
        Thread.sleep(200);
      }
      progress.println("  gateway-kills: not every task was done in time: "
          + board.rows("SELECT status, count(*) FROM tasks GROUP BY status"));
    }
  }

  private static long doneLines(Path ledger) throws java.io.IOException {
    return ledger(ledger).values().stream().mapToInt(c -> c[1]).sum();
  }

  /** Task → {start lines, done lines}. */
  private static Map<String, int[]> ledger(Path ledger) throws java.io.IOException {
    Map<String, int[]> counts = new HashMap<>();
    if (!Files.exists(ledger)) {
      return counts;
    }
    for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length >= 2) {
        counts.computeIfAbsent(f[0], k -> new int[2])[f[1].equals("start") ? 0 : 1]++;
      }
    }
    return counts;
  }
}
