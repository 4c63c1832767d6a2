package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;
import org.agentkanban.wire.Json;

/**
 * {@code kanban bench gateway} (issue 3): a real {@code kanban serve} process on a temporary home
 * with real workers. Measures how fast a ready task gets a running worker (created through the
 * API, a separate CLI process, or a direct write by another process), how fast a killed worker's
 * task is ready again, end-to-end tasks/s against the raw spawn rate of the same command, and what
 * an idle gateway with 10 boards costs. Every baseline is measured in the same run. See
 * docs/BENCHMARKS.md, "Gateway".
 */
public final class GatewayBenchmark {
  static final int BOARDS = 10;
  static final int CONCURRENCY = 4;
  /** The latency workers record when they started (bash's own clock, microseconds), then exit. */
  static final String STAMP_SCRIPT = "echo \"$EPOCHREALTIME\" > \"$BENCH_STAMPS/$KANBAN_TASK\"";
  /** Writes its pid and sleeps; the run after it was killed finds the pid file and exits 0. */
  static final String SLEEPER_SCRIPT = "f=\"$BENCH_STAMPS/$KANBAN_TASK.pid\"; [ -e \"$f\" ] && exit 0; "
      + "echo $$ > \"$f\"; exec sleep 600";
  private static final Pattern TASK_ID = Pattern.compile("\"id\"\\s*:\\s*\"(t_[0-9a-z]+)\"");

  /** How much of everything; quick is for tests, long for a steadier tail. */
  record Sizes(int warmUpTasks, int apiSamples, int cliSamples, int directSamples, int deathSamples, int tasks,
      double idleWarmUpSeconds, double idleSeconds) {
    static Sizes of(BenchOptions o) {
      if (o.quick()) {
        return new Sizes(1, 3, 2, 2, 2, 10, 0.5, 2);
      }
      if (o.longMode()) {
        return new Sizes(20, 1_000, 100, 200, 200, 1_000, 10, 120);
      }
      return new Sizes(10, 100, 30, 50, 50, 200, 10, 30);
    }
  }

  private final BenchOptions options;
  private final Sizes sizes;
  private final PrintStream out;
  private final PrintStream progress;
  private final ResultTable table = new ResultTable();
  private Path work;
  private Path stamps;
  private Map<String, String> env;
  private GatewayProcess gateway;
  private LocalBoardService direct;
  private boolean cleanedUp;

  public GatewayBenchmark(BenchOptions options, PrintStream out, PrintStream progress) {
    this.options = options;
    this.sizes = Sizes.of(options);
    this.out = out;
    this.progress = progress;
  }

  /**
   * Runs everything, prints the table, and stops the gateway and its workers and removes the
   * temporary home whatever happens (also on Ctrl-C, from a shutdown hook).
   *
   * @return false when a correctness check failed (a FAIL row); missed speed targets are MISS
   */
  public boolean run() throws Exception {
    try {
      work = Files.createTempDirectory(options.dir().toAbsolutePath(), "kanban-bench-gateway-");
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot create a work directory in " + options.dir() + ": " + e.getMessage(), e);
    }
    Thread hook = new Thread(this::cleanUp, "kanban-bench-gateway-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    String loadBefore = loadAverage();
    String launcher = GatewayProcess.launcher().map(Path::toString).orElse("a JVM on this class path");
    try {
      measure();
    } catch (RuntimeException | InterruptedException e) {
      String log = gatewayLog();
      if (!log.isEmpty()) {
        progress.println("bench: the gateway's output:\n" + log);
      }
      throw e;
    } finally {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran: nothing left to undo
      }
    }
    printReport(launcher, loadBefore, loadAverage());
    return table.rows().stream().noneMatch(r -> r.result().equals("FAIL"));
  }

  private void measure() throws Exception {
    Path home = work.resolve("home");
    stamps = work.resolve("stamps");
    Files.createDirectories(home);
    Files.createDirectories(stamps);
    Files.writeString(home.resolve("config.yaml"), config());
    env = GatewayProcess.environment(Map.of("KANBAN_HOME", home.toString(), "KANBAN_ACTOR", "bench", "LC_ALL", "C"));
    progress.println("bench: starting kanban serve on " + home);
    gateway = GatewayProcess.start(new KanbanHome(home), env, work.resolve("gateway.log"));
    GatewayApi api = new GatewayApi(gateway.url(), gateway.adminToken());
    for (int i = 1; i < BOARDS; i++) {
      api.createBoard("idle-" + i);
    }
    progress.printf(Locale.ROOT, "bench: warming up with %d tasks%n", sizes.warmUpTasks());
    Latencies ignored = new Latencies(sizes.warmUpTasks());
    for (int i = 0; i < sizes.warmUpTasks(); i++) {
      ignored.add(throughApi(api, "warm-up " + i));
    }
    measureSpawnLatencies(api, home);
    measureRequeue(api);
    measureThroughput(api);
    measureIdle(api);
  }

  /** config.yaml, as JSON (which is YAML): the gateway's defaults, three assignees. */
  private String config() {
    Map<String, Object> workerEnv = Map.of("BENCH_STAMPS", stamps.toString(), "LC_ALL", "C");
    Map<String, Object> assignees = new LinkedHashMap<>();
    assignees.put("stamp", Map.of("command", List.of("bash", "-c", STAMP_SCRIPT), "env", workerEnv,
        "complete_on_exit", true));
    assignees.put("sleeper", Map.of("command", List.of("bash", "-c", SLEEPER_SCRIPT), "env", workerEnv,
        "complete_on_exit", true, "max_runtime", "10m"));
    assignees.put("noop", Map.of("command", List.of("true"), "complete_on_exit", true, "max_concurrent", CONCURRENCY));
    return Json.pretty(Map.of("assignees", assignees)) + "\n";
  }

  // ---- ready → worker started ------------------------------------------------------------------

  private void measureSpawnLatencies(GatewayApi api, Path home) throws Exception {
    int n = sizes.apiSamples();
    progress.printf(Locale.ROOT, "bench: raw spawn latency of the worker command, %d times%n", n);
    Latencies raw = new Latencies(n);
    for (int i = 0; i < n; i++) {
      raw.add(rawSpawn("raw-" + i));
    }
    progress.printf(Locale.ROOT, "bench: ready → worker started, %d tasks created through the API%n", n);
    Latencies viaApi = new Latencies(n);
    for (int i = 0; i < n; i++) {
      viaApi.add(throughApi(api, "api " + i));
    }
    int c = sizes.cliSamples();
    progress.printf(Locale.ROOT, "bench: ready → worker started, %d tasks created by kanban create processes%n", c);
    Latencies viaCli = new Latencies(c);
    Latencies cliInvocation = new Latencies(c);
    for (int i = 0; i < c; i++) {
      long[] both = throughCli(api, "cli " + i);
      viaCli.add(both[0]);
      cliInvocation.add(both[1]);
    }
    int d = sizes.directSamples();
    progress.printf(Locale.ROOT, "bench: ready → worker started, %d tasks written to the board file by this process%n", d);
    Latencies viaFile = new Latencies(d);
    Boards boards = new Boards(new KanbanHome(home), new SqliteStoreFactory(Clock.SYSTEM, SqliteOptions.defaults()),
        Clock.SYSTEM, ServiceSettings.defaults());
    direct = boards.open("default", BoardListener.NONE);
    for (int i = 0; i < d; i++) {
      viaFile.add(throughBoardFile(api, "direct " + i));
    }
    direct.close();
    direct = null;

    latencyRows("ready → worker started, API", viaApi, raw, 100);
    latencyRows("ready → worker started, CLI process", viaCli, raw, 300);
    latencyRows("ready → worker started, direct board write", viaFile, raw, 0);
    latencyRows("kanban create invoked → worker started", cliInvocation, raw, 0);
    latencyRows("raw spawn of the worker command", raw, null, 0);
  }

  /** One task through the API: from its creation commit to the worker's own start stamp. */
  private long throughApi(GatewayApi api, String title) throws InterruptedException {
    JsonNode task = api.create("default", title, "stamp");
    return sinceCreated(api, task.path("id").asText(), task.path("created_at").asLong());
  }

  /** @return {ready → started, CLI process start → started} in nanoseconds */
  private long[] throughCli(GatewayApi api, String title) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(GatewayProcess.command(
        List.of("create", title, "--assignee", "stamp", "--json"), false)).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    long invokedMicros = wallMicros();
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw KanbanException.unavailable("kanban create failed in the benchmark: " + output, null);
    }
    Matcher m = TASK_ID.matcher(output);
    if (!m.find()) {
      throw KanbanException.unavailable("kanban create printed no task id: " + output, null);
    }
    String id = m.group(1);
    long createdAt = api.show("default", id, 0).path("task").path("created_at").asLong();
    long readyToStarted = sinceCreated(api, id, createdAt);
    long started = awaitStamp(id);
    return new long[] {readyToStarted, (started - invokedMicros) * 1_000};
  }

  /** A task committed by this process straight into the board file: the gateway notices it by polling. */
  private long throughBoardFile(GatewayApi api, String title) throws InterruptedException {
    var created = direct.create(new CreateTask(title, null, "stamp", null, null, null, null, null, false, null, null,
        null, null, Actor.person("bench"))).view().task();
    return sinceCreated(api, created.id(), created.createdAt());
  }

  /** Waits for the task's worker to stamp and for the task to be done; returns created → stamp. */
  private long sinceCreated(GatewayApi api, String id, long createdAtMs) throws InterruptedException {
    long started = awaitStamp(id);
    awaitStatus(api, id, "done");
    return (started - createdAtMs * 1_000) * 1_000;
  }

  /** The same command started by this JVM: ProcessBuilder.start → the command's first instruction. */
  private long rawSpawn(String name) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", STAMP_SCRIPT).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(Map.of("BENCH_STAMPS", stamps.toString(), "KANBAN_TASK", name, "LC_ALL", "C"));
    long before = wallMicros();
    Process p = pb.start();
    p.waitFor();
    return (awaitStamp(name) - before) * 1_000;
  }

  private void latencyRows(String name, Latencies l, Latencies baseline, int targetMs) {
    for (int p : new int[] {50, 99}) {
      String measurement = name + " p" + p + " (ms)";
      double v = l.percentileMs(p);
      if (baseline == null) {
        table.info(measurement, ms(v));
        continue;
      }
      double b = baseline.percentileMs(p);
      boolean judged = targetMs > 0 && p == 99;
      table.add(measurement, ms(v), ms(b), String.format(Locale.ROOT, "%.1f", v / b),
          judged ? "≤ " + targetMs + " ms" : "", judged ? (v <= targetMs ? "PASS" : "MISS") : "");
    }
  }

  // ---- worker death → requeued -----------------------------------------------------------------

  private void measureRequeue(GatewayApi api) throws InterruptedException {
    int n = sizes.deathSamples();
    progress.printf(Locale.ROOT, "bench: worker SIGKILL → task ready again, %d times%n", n);
    Latencies requeue = new Latencies(n);
    int recovered = 0;
    for (int i = 0; i < n; i++) {
      String id = api.create("default", "sleeper " + i, "sleeper").path("id").asText();
      long pid = awaitPid(id);
      ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() ->
          KanbanException.unavailable("the sleeping worker " + pid + " of " + id + " is gone before it was killed", null));
      long killedMicros = wallMicros();
      worker.destroyForcibly();
      awaitStatus(api, id, "done");
      JsonNode shown = api.show("default", id, 100);
      Long crashedAt = null;
      for (JsonNode e : shown.path("events")) {
        if (e.path("kind").asText().equals("crashed")) {
          crashedAt = e.path("created_at").asLong();
        }
      }
      if (crashedAt != null && shown.path("runs").size() == 2) {
        recovered++;
        requeue.add((crashedAt * 1_000 - killedMicros) * 1_000);
      }
    }
    table.add("killed workers' tasks requeued, then done", recovered + " of " + n, "", "", "all", recovered == n ? "PASS" : "FAIL");
    for (int p : new int[] {50, 99}) {
      double v = requeue.percentileMs(p);
      table.add("worker SIGKILL → task ready again p" + p + " (ms)", ms(v), "", "", p == 99 ? "≤ 500 ms" : "",
          p == 99 ? (v <= 500 ? "PASS" : "MISS") : "");
    }
  }

  // ---- throughput ------------------------------------------------------------------------------

  private void measureThroughput(GatewayApi api) throws Exception {
    int n = sizes.tasks();
    progress.printf(Locale.ROOT, "bench: raw spawn-and-wait of 'true', %d processes, %d at a time%n", n, CONCURRENCY);
    double raw = rawSpawnRate(n);
    progress.printf(Locale.ROOT, "bench: %d tasks through the gateway, complete_on_exit worker 'true', max_concurrent %d%n",
        n, CONCURRENCY);
    JsonNode before = api.stats("default");
    int doneBefore = before.path("by_status").path("done").asInt();
    int completedBefore = before.path("runs_by_outcome").path("completed").asInt();
    int runsBefore = runs(before);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      api.create("default", "noop " + i, "noop");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + n);
    JsonNode stats = api.stats("default");
    while (stats.path("by_status").path("done").asInt() - doneBefore < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stats = api.stats("default");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int done = stats.path("by_status").path("done").asInt() - doneBefore;
    int completed = stats.path("runs_by_outcome").path("completed").asInt() - completedBefore;
    int runs = runs(stats) - runsBefore;
    double rate = done / seconds;
    table.add("tasks done, each by exactly one run", done + " of " + n + ", " + runs + " runs", "", "", "all, once",
        done == n && completed == n && runs == n ? "PASS" : "FAIL");
    table.info("raw spawn-and-wait of 'true', " + CONCURRENCY + " at a time (processes/s)", rate(raw));
    table.add("end-to-end tasks/s, " + n + " tasks, " + CONCURRENCY + " at a time", rate(rate), rate(raw),
        String.format(Locale.ROOT, "%.2f", rate / raw), "≥ 0.50", rate / raw >= 0.5 ? "PASS" : "MISS");
  }

  private static int runs(JsonNode stats) {
    int total = 0;
    for (JsonNode count : stats.path("runs_by_outcome")) {
      total += count.asInt();
    }
    return total;
  }

  /** {@code true} started and waited for by {@link #CONCURRENCY} threads of this JVM, {@code n} in all. */
  private static double rawSpawnRate(int n) throws InterruptedException {
    AtomicInteger left = new AtomicInteger(n);
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    for (int t = 0; t < CONCURRENCY; t++) {
      Thread thread = new Thread(() -> {
        try {
          while (left.getAndDecrement() > 0) {
            new ProcessBuilder("true").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
          }
        } catch (IOException | InterruptedException e) {
          failures.add(e);
        }
      }, "bench-raw-spawn-" + t);
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw KanbanException.unavailable("cannot start 'true': " + failures.get(0).getMessage(), failures.get(0));
    }
    return n / ((System.nanoTime() - start) / 1e9);
  }

  // ---- idle ------------------------------------------------------------------------------------

  private void measureIdle(GatewayApi api) throws IOException, InterruptedException {
    int open = api.health().path("boards").size();
    progress.printf(Locale.ROOT, "bench: idle gateway with %d boards: %.1f s to settle, then %.1f s measured%n", open,
        sizes.idleWarmUpSeconds(), sizes.idleSeconds());
    Thread.sleep((long) (sizes.idleWarmUpSeconds() * 1000));
    long ticksPerSecond = clockTicksPerSecond();
    long cpuBefore = cpuTicks(gateway.pid());
    Map<String, Long> threadsBefore = threadTicks(gateway.pid());
    long start = System.nanoTime();
    Thread.sleep((long) (sizes.idleSeconds() * 1000));
    long cpuAfter = cpuTicks(gateway.pid());
    Map<String, Long> threadsAfter = threadTicks(gateway.pid());
    double seconds = (System.nanoTime() - start) / 1e9;
    double percent = 100.0 * (cpuAfter - cpuBefore) / ticksPerSecond / seconds;
    Map<String, Long> used = new LinkedHashMap<>();
    threadsAfter.forEach((name, ticks) -> used.put(name, Math.max(0, ticks - threadsBefore.getOrDefault(name, 0L))));
    long jit = used.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre")).mapToLong(Map.Entry::getValue).sum();
    progress.println("bench: idle CPU by thread (clock ticks): " + used.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).map(e -> e.getKey() + " " + e.getValue()).toList());
    Map<String, String> status = procStatus(gateway.pid());
    table.add("idle gateway, " + open + " boards: CPU (% of one core)", String.format(Locale.ROOT, "%.2f", percent),
        "", "", "≤ 1 %", percent <= 1.0 ? "PASS" : "MISS");
    table.info("idle gateway: of which JIT compiler threads (% of one core)",
        String.format(Locale.ROOT, "%.2f", 100.0 * jit / ticksPerSecond / seconds));
    table.info("idle gateway: RSS (MiB)", String.format(Locale.ROOT, "%.0f", kib(status.get("VmRSS")) / 1024.0));
    table.info("idle gateway: threads", status.getOrDefault("Threads", "?"));
  }

  /** utime + stime of a process, in clock ticks, from /proc/<pid>/stat. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command name: state is field 3 of stat(5), utime 14 and stime 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** utime + stime per thread name (threads of one name summed), from /proc/<pid>/task/<tid>/stat. */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  private static Map<String, String> procStatus(long pid) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return out;
  }

  private static double kib(String value) {
    return value == null ? Double.NaN : Double.parseDouble(value.replace("kB", "").strip());
  }

  /** sysconf(_SC_CLK_TCK), from getconf; 100 on every Linux this runs on if getconf is missing. */
  private static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return Long.parseLong(s);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }

  // ---- waiting ---------------------------------------------------------------------------------

  /** The worker's start stamp (epoch microseconds), once it is written. */
  private long awaitStamp(String name) throws InterruptedException {
    return awaitLine(stamps.resolve(name), "the start stamp of " + name, s -> new BigDecimal(s.replace(',', '.'))
        .movePointRight(6).longValueExact());
  }

  private long awaitPid(String taskId) throws InterruptedException {
    return awaitLine(stamps.resolve(taskId + ".pid"), "the pid of the worker of " + taskId, Long::parseLong);
  }

  /** A one-line file a worker writes (complete once it ends with a newline), parsed. */
  private static long awaitLine(Path file, String what, java.util.function.ToLongFunction<String> parse)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        if (Files.exists(file)) {
          String s = Files.readString(file, StandardCharsets.US_ASCII);
          if (s.endsWith("\n")) {
            return parse.applyAsLong(s.strip());
          }
        }
      } catch (IOException e) {
        // being written: look again
      }
      Thread.sleep(1);
    }
    throw KanbanException.unavailable("timed out after 60 s waiting for " + what, null);
  }

  private static void awaitStatus(GatewayApi api, String id, String status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String now;
    while (!(now = api.status("default", id)).equals(status)) {
      if (System.nanoTime() > deadline) {
        throw KanbanException.unavailable("task " + id + " is still " + now + " after 60 s; expected " + status, null);
      }
      Thread.sleep(10);
    }
  }

  private static long wallMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  // ---- report and cleanup ----------------------------------------------------------------------

  private void printReport(String launcher, String loadBefore, String loadAfter) {
    out.println("kanban bench gateway — " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
    out.printf(Locale.ROOT, "Java %s, %d CPUs, load average %s at the start and %s at the end%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    out.printf("directory %s; kanban processes started through %s%n", options.dir().toAbsolutePath(), launcher);
    out.printf(Locale.ROOT, "%d boards; latencies: %d API, %d CLI, %d direct, %d kills (after %d warm-up tasks); "
        + "throughput: %d tasks; idle: %.0f s%s%n", BOARDS, sizes.apiSamples(), sizes.cliSamples(), sizes.directSamples(),
        sizes.deathSamples(), sizes.warmUpTasks(), sizes.tasks(), sizes.idleSeconds(),
        options.quick() ? "; QUICK MODE: sizes too small for the numbers to mean anything" : "");
    out.println();
    table.print(out);
  }

  private String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
      return f[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private String gatewayLog() {
    try {
      Path log = work == null ? null : work.resolve("gateway.log");
      if (log == null || !Files.exists(log)) {
        return "";
      }
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= 4_000 ? s : "…" + s.substring(s.length() - 4_000);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the gateway (and its workers), closes the board, removes the work directory. Once. */
  private synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    if (direct != null) {
      direct.close();
    }
    if (gateway != null) {
      progress.println("bench: stopping the gateway and its workers");
      gateway.close();
    }
    if (work != null) {
      deleteTree(work);
    }
  }

  private void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress.println("bench: could not remove " + root + ": " + e.getMessage());
    }
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }
}
