package org.agentkanban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code writer-kills}: torture writers ({@link TortureWriter}, each a JVM of its own) loop on
 * random verbs against one board, directly (no gateway: every writer is an SQLite writer) and
 * through a gateway; a killer SIGKILLs a random writer at a random instant once its loop is under
 * way, and starts a new one in its place. After each round (every writer killed) the board is
 * checked: {@code integrity_check} = ok, every acknowledged write in the side logs present, the
 * state machine's invariants hold, and, once the killed writers' leases expired, no task is left
 * running without a worker.
 */
final class WriterKillDrill implements CrashDrill {
  /** Overrides the number of kills (direct and gateway together), for a run of a chosen size. */
  static final String KILLS_PROPERTY = "kanban.torture.writer-kills";
  private static final int WRITERS = 4;
  private static final int KILLS_PER_ROUND = 50;
  /** A kill comes at a random instant within this long after the writer's first acknowledged write. */
  private static final int MAX_KILL_DELAY_MS = 120;
  /** Below this many kills, recording a start-up archive costs more than it saves. */
  private static final int TRAIN_FROM_KILLS = 40;

  private enum Mode { DIRECT, GATEWAY }

  private static final class Totals {
    long kills;
    int integrityFailures;
    final java.util.Map<Mode, Long> checked = new java.util.EnumMap<>(Mode.class);
    final java.util.Set<String> lost = new java.util.HashSet<>();
    final java.util.Set<String> violations = new java.util.HashSet<>();
    int leftRunning;
    final List<String> findings = new ArrayList<>();

    long acked() {
      return checked.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Null: the size of the options (quick, CI, long), or {@link #KILLS_PROPERTY}. */
  private final Integer kills;

  WriterKillDrill() {
    this(null);
  }

  WriterKillDrill(Integer kills) {
    this.kills = kills;
  }

  @Override
  public String name() {
    return "writer-kills";
  }

  private int kills(BenchOptions options) {
    if (kills != null) {
      return kills;
    }
    String override = System.getProperty(KILLS_PROPERTY);
    if (override != null && !override.isBlank()) {
      return Integer.parseInt(override.strip());
    }
    return options.quick() ? 6 : options.longMode() ? 10_000 : 500;
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    Path root = Files.createTempDirectory(options.dir(), "writer-kills-");
    ChildJvm jvm = new ChildJvm(root);
    int total = kills(options);
    Totals t = new Totals();
    long started = System.nanoTime();
    long directKills = runMode(Mode.DIRECT, root.resolve("direct"), jvm, total / 2, t, progress);
    long gatewayKills = runMode(Mode.GATEWAY, root.resolve("gateway"), jvm, total - total / 2, t, progress);
    double seconds = (System.nanoTime() - started) / 1e9;
    table.info("writer kills: SIGKILLs, directly on the board", Long.toString(directKills));
    table.info("writer kills: SIGKILLs, through a gateway", Long.toString(gatewayKills));
    table.info("writer kills: kills per second", String.format(Locale.ROOT, "%.1f", t.kills / seconds));
    table.info("writer kills: acknowledged writes checked", Long.toString(t.acked()));
    zero(table, "writer kills: integrity failures", t.integrityFailures);
    zero(table, "writer kills: lost acknowledged writes", t.lost.size());
    zero(table, "writer kills: invariant violations", t.violations.size());
    zero(table, "writer kills: running without a worker after lease expiry", t.leftRunning);
    t.findings.stream().limit(20).forEach(f -> progress.println("  FOUND: " + f));
    DrillScratch.finish(root, t.findings.isEmpty(), progress);
  }

  private static void zero(ResultTable table, String measurement, long value) {
    table.add(measurement, Long.toString(value), "", "", "0", value == 0 ? "PASS" : "FAIL");
  }

  private long runMode(Mode mode, Path home, ChildJvm jvm, int kills, Totals t, PrintStream progress)
      throws Exception {
    Files.createDirectories(home);
    Path logs = Files.createDirectories(home.getParent().resolve(home.getFileName() + "-sidelogs"));
    Cli.run(jvm, home, "init");
    DrillGateway gateway = null;
    if (mode == Mode.GATEWAY) {
      Files.writeString(home.resolve("config.yaml"), "gateway:\n  safety_tick: 1s\n  lease_ttl: 3s\n");
      gateway = DrillGateway.start(jvm, home);
    }
    Random random = new Random(mode.ordinal() * 7919L + 17);
    List<Path> sideLogs = new ArrayList<>();
    if (kills >= TRAIN_FROM_KILLS) {
      // The training run of the start-up archive is one more writer (one that stops by itself).
      Path training = logs.resolve("training.log");
      sideLogs.add(training);
      jvm.train(WriterProcess.MAIN, List.of(training.toString(), "training", "1", "30"), home);
    }
    long done = 0;
    int round = 0;
    try {
      while (done < kills) {
        round++;
        int roundKills = (int) Math.min(KILLS_PER_ROUND, kills - done);
        long roundStart = System.nanoTime();
        done += round(home, logs, jvm, roundKills, random, sideLogs, round);
        double killing = (System.nanoTime() - roundStart) / 1e9;
        check(mode, home, jvm, sideLogs, t, round);
        progress.printf(Locale.ROOT, "  writer-kills %s round %d: %d kills (%.1f s killing, %.1f s checking), "
                + "%d acknowledged writes checked, %d findings%n", mode.name().toLowerCase(Locale.ROOT), round, done,
            killing, (System.nanoTime() - roundStart) / 1e9 - killing, t.checked.get(mode), t.findings.size());
      }
    } finally {
      if (gateway != null) {
        gateway.kill();
      }
    }
    t.kills += done;
    return done;
  }

  /** One round: writers run and are killed one by one at random instants; at the end all of them. */
  private long round(Path home, Path logs, ChildJvm jvm, int kills, Random random, List<Path> sideLogs, int round)
      throws Exception {
    WriterProcess[] slots = new WriterProcess[WRITERS];
    Path stderr = logs.resolve("writers.err");
    int incarnation = 0;
    long killed = 0;
    try {
      for (int i = 0; i < WRITERS; i++) {
        slots[i] = startWriter(jvm, home, logs, i, round, incarnation++, random, sideLogs, stderr);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (killed < kills) {
        int victim = random.nextInt(WRITERS);
        while (!slots[victim].ready()) {
          if (!slots[victim].alive()) {
            throw new IllegalStateException("a torture writer died by itself; see " + stderr);
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("no torture writer acknowledged a write for 60 s; see " + stderr);
          }
          Thread.sleep(5);
          victim = (victim + 1) % WRITERS;
        }
        Thread.sleep(random.nextInt(MAX_KILL_DELAY_MS + 1));
        if (slots[victim].kill()) {
          killed++;
        }
        slots[victim] = startWriter(jvm, home, logs, victim, round, incarnation++, random, sideLogs, stderr);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      }
    } finally {
      for (WriterProcess w : slots) {
        if (w != null) {
          w.kill();
        }
      }
    }
    return killed;
  }

  private static WriterProcess startWriter(ChildJvm jvm, Path home, Path logs, int slot, int round, int incarnation,
      Random random, List<Path> sideLogs, Path stderr) throws IOException {
    Path log = logs.resolve("r" + round + "-w" + slot + "-" + incarnation + ".log");
    sideLogs.add(log);
    return WriterProcess.start(jvm, home, log, "w" + slot, random.nextLong(), stderr);
  }

  private void check(Mode mode, Path home, ChildJvm jvm, List<Path> sideLogs, Totals t, int round)
      throws Exception {
    // The killed writers' manual claims expire; without a gateway, the CLI's tick releases them.
    Thread.sleep(TortureWriter.LEASE_TTL_MS + 200);
    if (mode == Mode.DIRECT) {
      Cli.run(jvm, home, "tick");
    }
    String where = mode.name().toLowerCase(Locale.ROOT) + " round " + round + ": ";
    Path db = home.resolve("boards").resolve("default").resolve("board.db");
    try (BoardCheck board = new BoardCheck(db)) {
      String integrity = board.integrity();
      if (!integrity.equals("ok")) {
        t.integrityFailures++;
        t.findings.add(where + "integrity_check: " + integrity);
      }
      AckedWrites.Result r = AckedWrites.verify(sideLogs, board);
      t.checked.put(mode, r.checked());
      for (String l : r.lost()) {
        if (t.lost.add(l)) {
          t.findings.add(where + "lost " + l);
        }
      }
      List<String> broken = new ArrayList<>(board.invariantViolations());
      broken.addAll(r.violations());
      for (String b : broken) {
        if (t.violations.add(mode + " " + b)) {
          t.findings.add(where + b);
        }
      }
      List<String> running = board.runningWithoutWorker();
      // A gateway releases expired leases on its safety tick (1 s here): give it a few.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (mode == Mode.GATEWAY && !running.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        running = board.runningWithoutWorker();
      }
      t.leftRunning += running.size();
      running.forEach(x -> t.findings.add(where + "still running without a worker: " + x));
    }
  }
}
