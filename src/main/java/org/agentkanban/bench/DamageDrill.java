package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.wire.Json;

/**
 * {@code kanban bench crash --only damage}: each {@link Damage} written by a separate process to
 * one of two boards a real gateway ({@code kanban serve}, a process of its own) dispatches. Per
 * damage: whether and how fast the gateway noticed, the time from the damage to dispatch resumed
 * (a task created after the detection done by a worker) in ms and in dispatcher ticks (a tick is
 * {@code gateway.safety_tick}, the longest a dispatcher sleeps; target under 2), the quarantine
 * copies it made (one per distinct damage, none for damage it heals), the loss window of its
 * restore, and whether the other board kept dispatching.
 */
final class DamageDrill implements CrashDrill {
  private static final Pattern LISTENING = Pattern.compile("Gateway listening on (http://\\S+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public String name() {
    return "damage";
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    // The real tick (5 s) outside quick mode; 1 s in quick mode, so the drill takes seconds. The
    // figure that matters is the time in ticks.
    long tickMs = options.quick() ? 1_000 : 5_000;
    Path home = Files.createTempDirectory(options.dir(), "kanban-damage-drill-");
    Files.writeString(home.resolve("config.yaml"), """
        gateway:
          safety_tick: TICKms
          backup_interval: 0
          auto_restore: true
        assignees:
          sh:
            type: shell
        """.replace("TICK", Long.toString(tickMs)));
    Serve serve = Serve.start(home);
    try {
      serve.post("/api/v1/boards", Map.of("slug", "work"));
      serve.post("/api/v1/boards", Map.of("slug", "other"));
      table.info("damage: dispatcher tick (gateway.safety_tick, ms)", Long.toString(tickMs));
      for (Damage damage : Damage.values()) {
        if (!damage.available()) {
          table.info("damage " + damage.wire(), "skipped: " + damage.command(Path.of("x")).get(0) + " is not installed");
          continue;
        }
        progress.println("damage drill: " + damage.description());
        drill(serve, home, damage, tickMs, table);
      }
    } finally {
      serve.stop();
    }
    String integrity = integrity(home.resolve("boards/work/board.db"));
    table.add("damage: integrity_check of the board at the end", integrity, "", "", "ok", "ok".equals(integrity) ? "PASS" : "FAIL");
    BackupDrill.deleteTree(home);
  }

  private static void drill(Serve serve, Path home, Damage damage, long tickMs, ResultTable table) throws Exception {
    String label = "damage " + damage.wire() + ": ";
    serve.dispatch("work", "before");
    serve.post("/api/v1/boards/work/backups", Map.of());
    int restoredBefore = serve.events("work", "board_restored").size();
    long quarantinedBefore = quarantined(home);

    long damagedAt = System.nanoTime();
    damage.apply(home.resolve("boards/work/board.db"));
    boolean otherDispatched = serve.dispatch("other", "during-" + damage.wire()) != null;

    // A zeroed index page may never be noticed (the gateway writes its cached copy back): its
    // "dispatch resumed" is a task done right after the damage, unless a restore follows.
    String early = damage == Damage.INDEX_PAGE ? serve.dispatch("work", "right-after-" + damage.wire()) : null;
    long earlyMs = (System.nanoTime() - damagedAt) / 1_000_000;

    // Detection: the board's health leaves "healthy" or a restore is recorded; the -wal case is
    // handled without either, so the gateway's log says it.
    long deadline = damagedAt + TimeUnit.SECONDS.toNanos(20 + 4 * tickMs / 1000);
    Long detectedMs = null;
    while (System.nanoTime() < deadline && detectedMs == null) {
      JsonNode h = serve.boardHealth("work");
      boolean seen = (h != null && !"healthy".equals(h.path("status").asText()))
          || serve.events("work", "board_restored").size() > restoredBefore
          || (damage == Damage.DELETE_WAL && serve.output().contains("its -wal was deleted"));
      if (seen) {
        detectedMs = (System.nanoTime() - damagedAt) / 1_000_000;
      } else if (mayHeal(damage) && (System.nanoTime() - damagedAt) > TimeUnit.MILLISECONDS.toNanos(3 * tickMs)
          && "ok".equals(integrity(home.resolve("boards/work/board.db")))) {
        break; // healed: the gateway's own copy of every damaged page reached the file again
      } else {
        Thread.sleep(20);
      }
    }
    // Dispatch resumed: a task created now (after any restore) is done by a worker.
    String resumed;
    long resumedMs;
    if (early != null && detectedMs == null) {
      resumed = early;
      resumedMs = earlyMs;
    } else {
      await(() -> {
        JsonNode h = serve.boardHealth("work");
        return h != null && "healthy".equals(h.path("status").asText());
      }, Duration.ofSeconds(30));
      resumed = serve.dispatch("work", "after-" + damage.wire());
      resumedMs = (System.nanoTime() - damagedAt) / 1_000_000;
    }
    Thread.sleep(2 * tickMs); // a damage is moved aside once, not once per tick
    long copies = quarantined(home) - quarantinedBefore;
    List<JsonNode> restores = serve.events("work", "board_restored");

    boolean mustDetect = !mayHeal(damage);
    table.add(label + "detected", detectedMs == null ? "no" : "yes, after " + detectedMs + " ms", "", "",
        mustDetect ? "yes" : "yes, or healed", mustDetect && detectedMs == null ? "FAIL" : "PASS");
    double ticks = resumedMs / (double) tickMs;
    table.add(label + "damage to dispatch resumed", resumed == null ? "never" : String.format(Locale.ROOT,
        "%d ms = %.2f ticks", resumedMs, ticks), "", "", "< 2 ticks", resumed == null ? "FAIL" : ticks < 2 ? "PASS" : "MISS");
    long expectedCopies = restores.size() > restoredBefore ? 1 : 0;
    if (damage == Damage.TRUNCATE && expectedCopies == 0) {
      expectedCopies = 1; // a truncated file is never healed: it must have been restored
    }
    table.add(label + "quarantine copies", Long.toString(copies), "", "", Long.toString(expectedCopies),
        copies == expectedCopies ? "PASS" : "FAIL");
    table.info(label + "loss window", restores.size() > restoredBefore ? lossWindow(restores.get(restores.size() - 1))
        : "none (no restore)");
    table.add(label + "other board dispatched meanwhile", otherDispatched ? "yes" : "no", "", "", "yes",
        otherDispatched ? "PASS" : "FAIL");
  }

  /**
   * Damage the gateway may undo without noticing: a zeroed index page it has cached, or a header
   * whose page 1 is also in the WAL (the checkpoint writes the page back whole).
   */
  private static boolean mayHeal(Damage damage) {
    return damage == Damage.INDEX_PAGE || damage == Damage.HEADER;
  }

  private static String lossWindow(JsonNode event) {
    JsonNode p = event.path("payload");
    long from = p.path("lost_from").asLong();
    long until = p.path("lost_until").asLong();
    return String.format(Locale.ROOT, "%.1f s of changes (events after #%d)", (until - from) / 1000.0,
        p.path("last_event_id_kept").asLong());
  }

  private static long quarantined(Path home) throws IOException {
    Path dir = home.resolve("boards/work/quarantine");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  /** The board's file after the gateway stopped: a read-only connection of this process's own. */
  private static String integrity(Path db) {
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        var rs = c.createStatement().executeQuery("PRAGMA integrity_check(1)")) {
      return rs.next() ? rs.getString(1) : "no answer";
    } catch (java.sql.SQLException e) {
      return e.getMessage();
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean await(Check check, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** {@code kanban serve --port 0} as a process of its own, and a small admin client for it. */
  private static final class Serve {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private volatile String url;
    private String token;

    private Serve(Process process) {
      this.process = process;
      Thread pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            output.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              url = m.group(1);
            }
          }
        } catch (IOException e) {
          // the process is gone
        }
      }, "damage-drill-serve");
      pump.setDaemon(true);
      pump.start();
    }

    static Serve start(Path home) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(List.of("-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "org.agentkanban.cli.Main",
          "serve", "--port", "0"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("KANBAN_HOME", home.toString());
      Process p = pb.start();
      p.getOutputStream().close();
      Serve s = new Serve(p);
      if (!await(() -> s.url != null || !p.isAlive(), Duration.ofSeconds(60)) || s.url == null) {
        p.destroyForcibly();
        throw new IllegalStateException("kanban serve did not start:\n" + s.output);
      }
      s.token = GatewayFile.read(new KanbanHome(home).gatewayFile()).orElseThrow().adminToken();
      return s;
    }

    String output() {
      return output.toString();
    }

    HttpResponse<String> send(String method, String path, Object body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).header("Accept", "application/json");
      if (body != null) {
        b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode post(String path, Object body) throws Exception {
      HttpResponse<String> r = send("POST", path, body);
      if (r.statusCode() >= 300) {
        throw new IllegalStateException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return Json.mapper().readTree(r.body());
    }

    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = send("GET", path, null);
      return r.statusCode() == 200 || r.statusCode() == 503 ? Json.mapper().readTree(r.body()) : null;
    }

    List<JsonNode> events(String board, String kind) throws Exception {
      List<JsonNode> out = new ArrayList<>();
      JsonNode doc = get("/api/v1/boards/" + board + "/events?limit=10000");
      if (doc != null) {
        doc.path("events").forEach(e -> {
          if (e.path("kind").asText().equals(kind)) {
            out.add(e);
          }
        });
      }
      return out;
    }

    JsonNode boardHealth(String board) throws Exception {
      JsonNode h = get("/api/v1/health");
      if (h != null) {
        for (JsonNode b : h.path("boards")) {
          if (b.path("board").asText().equals(board)) {
            return b;
          }
        }
      }
      return null;
    }

    /** Creates a task and waits until a worker did it; returns its id, or null when it never got done. */
    String dispatch(String board, String title) throws Exception {
      String[] id = new String[1];
      boolean done = await(() -> {
        if (id[0] == null) {
          HttpResponse<String> r = send("POST", "/api/v1/boards/" + board + "/tasks",
              Map.of("title", title, "assignee", "sh", "body", "echo " + title));
          if (r.statusCode() != 201) {
            return false; // unavailable for a moment (being restored): try again
          }
          id[0] = Json.mapper().readTree(r.body()).path("task").path("id").asText();
        }
        JsonNode t = get("/api/v1/boards/" + board + "/tasks/" + id[0]);
        if (t == null) {
          id[0] = null; // lost with a restore: create it again
          return false;
        }
        return "done".equals(t.path("task").path("status").asText());
      }, Duration.ofSeconds(60));
      return done ? id[0] : null;
    }

    void stop() throws InterruptedException {
      process.toHandle().destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
