package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kanban bench crash --only soak}: one real {@code kanban serve} with 20 boards, small
 * shell tasks flowing through all of them, an SSE reader (what the dashboard holds open) and an
 * API reader doing list/show the whole time, until every board's dispatcher has made the target
 * number of passes ("ticks", counted by the gateway's {@code kanban_dispatch_passes_total{board}};
 * the board with the fewest decides). Sampled from
 * outside: the gateway's descriptors ({@code /proc/<pid>/fd}), threads ({@code /proc/<pid>/status})
 * and every board's {@code -wal} size (a stat). They must stay flat after the warm-up and bounded.
 */
final class SoakDrill implements CrashDrill {
  static final int BOARDS = 20;
  /** Growth allowed after the warm-up: jitter (HTTP connections, workers being started), not a leak. */
  static final int FD_SLACK = 40;
  static final int THREAD_SLACK = 20;
  /**
   * The gateway checkpoints past 8 MiB (gateway.checkpoint_wal_bytes) at the latest, so a WAL
   * beyond that and a second's writes means its checkpoints did not reset the WAL.
   */
  static final long WAL_BOUND_BYTES = 9L << 20;
  private static final Pattern PASSES =
      Pattern.compile("(?m)^kanban_dispatch_passes_total\\{[^}]*board=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)$");
  private static final String CONFIG = """
      gateway:
        safety_tick: 50ms
        lease_ttl: 5s
        stop_grace: 1s
        max_workers: 16
        board_max_workers: 2
      assignees:
        sh:
          type: shell
      """;

  /** What a soak saw. */
  record Result(int boards, long ticks, long tasksDone, double seconds, int fdFirst, int fdLast, int fdMax,
      int threadsFirst, int threadsLast, int threadsMax, long walHighWater, long walAtEnd, long sseEvents,
      long apiReads, long apiReadFailures) {
    boolean fdFlat() {
      return fdLast - fdFirst <= FD_SLACK && fdMax - fdFirst <= 2 * FD_SLACK;
    }

    boolean threadsFlat() {
      return threadsLast - threadsFirst <= THREAD_SLACK && threadsMax - threadsFirst <= 2 * THREAD_SLACK;
    }

    boolean walBounded() {
      return walHighWater <= WAL_BOUND_BYTES;
    }
  }

  @Override
  public String name() {
    return "soak";
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    long ticks = options.quick() ? 40 : options.longMode() ? 10_000 : 400;
    report(soak(options.dir(), BOARDS, ticks, progress), table);
  }

  static void report(Result r, ResultTable table) {
    String p = "soak: ";
    table.info(p + "boards × ticks (passes of each board's dispatcher)", r.boards() + " × " + r.ticks() + String.format(Locale.ROOT,
        " in %.0f s, %d tasks done", r.seconds(), r.tasksDone()));
    table.add(p + "gateway fds first/last/max", r.fdFirst() + "/" + r.fdLast() + "/" + r.fdMax(), "", "", "flat (+" + FD_SLACK + ")",
        r.fdFlat() ? "PASS" : "FAIL");
    table.add(p + "gateway threads first/last/max", r.threadsFirst() + "/" + r.threadsLast() + "/" + r.threadsMax(), "", "",
        "flat (+" + THREAD_SLACK + ")", r.threadsFlat() ? "PASS" : "FAIL");
    table.add(p + "WAL high-water mark (largest board)", mib(r.walHighWater()), "", "", "<= " + mib(WAL_BOUND_BYTES),
        r.walBounded() ? "PASS" : "FAIL");
    table.info(p + "WAL at the end (all boards)", mib(r.walAtEnd()));
    table.info(p + "SSE events read / API reads (failed)", r.sseEvents() + " / " + r.apiReads() + " (" + r.apiReadFailures() + ")");
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1 << 20));
  }

  static Result soak(Path dir, int boards, long targetTicks, PrintStream progress) throws Exception {
    Path home = Files.createTempDirectory(dir, "soak-");
    ServedDrillHome.writeConfig(home, CONFIG);
    List<String> slugs = new ArrayList<>();
    for (int i = 1; i <= boards; i++) {
      slugs.add(String.format(Locale.ROOT, "soak-%02d", i));
    }
    try (ServedDrillHome g = ServedDrillHome.start(home)) {
      for (String s : slugs) {
        ServedDrillHome.Reply r = g.post("/api/v1/boards", Map.of("slug", s));
        if (r.status() != 201) {
          throw new IllegalStateException("cannot create board " + s + ": HTTP " + r.status() + " " + r.body());
        }
      }
      Trickle trickle = new Trickle(g, slugs, 0, 1_000);
      SseReader sse = new SseReader(g, slugs.get(0));
      ApiReader reader = new ApiReader(g, slugs);
      long started = System.nanoTime();
      trickle.start();
      sse.start();
      reader.start();
      List<int[]> samples = new ArrayList<>();
      long walHigh = 0;
      long ticks = 0;
      long warmUpTicks = Math.max(10, targetTicks / 5);
      int[] warm = null;
      long nextReport = 0;
      while (ticks < targetTicks) {
        Thread.sleep(500);
        if (!g.isAlive()) {
          throw new IllegalStateException("the gateway died during the soak:\n" + g.output());
        }
        ticks = ticks(g, slugs);
        int[] s = {g.fileDescriptors(), g.threads()};
        walHigh = Math.max(walHigh, largestWal(home, slugs));
        if (warm == null && ticks >= warmUpTicks) {
          warm = s;
        }
        if (warm != null) {
          samples.add(s);
        }
        if (System.nanoTime() > nextReport) {
          progress.printf(Locale.ROOT, "  soak: %d/%d ticks, %d fds, %d threads, WAL high-water %d bytes%n",
              ticks, targetTicks, s[0], s[1], walHigh);
          nextReport = System.nanoTime() + 10_000_000_000L;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      trickle.stop();
      sse.stop();
      reader.stop();
      long done = 0;
      for (String s : slugs) {
        done += g.get("/api/v1/boards/" + s + "/stats").json().path("by_status").path("done").asLong();
      }
      long walEnd = 0;
      for (String s : slugs) {
        walEnd += walBytes(home, s);
      }
      int[] last = samples.get(samples.size() - 1);
      int fdMax = samples.stream().mapToInt(x -> x[0]).max().orElse(0);
      int thMax = samples.stream().mapToInt(x -> x[1]).max().orElse(0);
      g.stop();
      ServedDrillHome.deleteTree(home);
      return new Result(boards, ticks, done, seconds, warm[0], last[0], fdMax, warm[1], last[1], thMax, walHigh, walEnd,
          sse.events.get(), reader.reads.get(), reader.failures.get());
    }
  }

  /** The passes of the board whose dispatcher made the fewest (0 until every board is counted). */
  private static long ticks(ServedDrillHome g, List<String> slugs) throws Exception {
    ServedDrillHome.Reply r = g.get("/metrics");
    long fewest = Long.MAX_VALUE;
    int counted = 0;
    Matcher m = PASSES.matcher(r.body());
    while (m.find()) {
      if (slugs.contains(m.group(1))) {
        counted++;
        fewest = Math.min(fewest, (long) Double.parseDouble(m.group(2)));
      }
    }
    return counted < slugs.size() ? 0 : fewest;
  }

  private static long largestWal(Path home, List<String> slugs) {
    long max = 0;
    for (String s : slugs) {
      max = Math.max(max, walBytes(home, s));
    }
    return max;
  }

  /** A stat of the board's -wal: never opened. */
  static long walBytes(Path home, String slug) {
    Path wal = home.resolve("boards").resolve(slug).resolve("board.db-wal");
    try {
      return Files.exists(wal) ? Files.size(wal) : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  /** The dashboard's connection: one SSE stream held open, events counted. */
  private static final class SseReader {
    private final ServedDrillHome g;
    private final String board;
    final AtomicLong events = new AtomicLong();
    private volatile boolean running = true;
    private volatile InputStream body;
    private Thread thread;

    SseReader(ServedDrillHome g, String board) {
      this.g = g;
      this.board = board;
    }

    void start() {
      thread = new Thread(() -> {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        while (running) {
          try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(g.url() + "/api/v1/boards/" + board + "/events"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + g.token()).build();
            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            body = r.body();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))) {
              String line;
              while (running && (line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                  events.incrementAndGet();
                }
              }
            }
          } catch (Exception e) {
            if (running) {
              sleep(200);
            }
          }
        }
      }, "soak-sse");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      InputStream b = body;
      if (b != null) {
        try {
          b.close();
        } catch (java.io.IOException ignored) {
          // closing the stream is how the reader is stopped
        }
      }
      thread.join(5_000);
    }
  }

  /** A client listing and showing tasks through the API the whole time. */
  private static final class ApiReader {
    private final ServedDrillHome g;
    private final List<String> boards;
    final AtomicLong reads = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    ApiReader(ServedDrillHome g, List<String> boards) {
      this.g = g;
      this.boards = boards;
    }

    void start() {
      thread = new Thread(() -> {
        int i = 0;
        while (running) {
          String board = boards.get(i++ % boards.size());
          try {
            ServedDrillHome.Reply list = g.get("/api/v1/boards/" + board + "/tasks?limit=20");
            reads.incrementAndGet();
            if (list.status() != 200) {
              failures.incrementAndGet();
            } else {
              for (JsonNode t : list.json().path("tasks")) {
                reads.incrementAndGet();
                if (g.get("/api/v1/boards/" + board + "/tasks/" + t.path("id").asText()).status() != 200) {
                  failures.incrementAndGet();
                }
                break;
              }
            }
          } catch (Exception e) {
            failures.incrementAndGet();
          }
          sleep(50);
        }
      }, "soak-reader");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
