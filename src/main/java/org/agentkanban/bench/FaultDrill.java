package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.agentkanban.domain.EventKind;

/**
 * {@code kanban bench crash --only faults}: transient storage faults under a real {@code kanban
 * serve} with two boards, caused by separate processes ({@code mount}, {@code dd}, {@code rm}):
 *
 * <ul>
 *   <li><b>disk full</b>: the board's directory is a small tmpfs; while tasks flow, a ballast file
 *       fills it, then is removed;
 *   <li><b>read-only</b>: the board's tmpfs is read-only when the gateway starts, then made
 *       writable. (Linux refuses to remount a file system read-only while a process holds a file
 *       on it open for writing, as the gateway does with every open board, so this is the only way
 *       a read-only board's disk meets a running gateway; the drill checks that refusal too.)
 * </ul>
 *
 * For each: the board state seen during the fault, what an API and a CLI write got, whether the
 * other board kept dispatching, the dispatch outage after the fault cleared (target under 5 s),
 * acknowledged writes lost (must be 0) and integrity_check. Without permission to mount, the rows
 * say so (SKIP) instead of pretending.
 */
final class FaultDrill implements CrashDrill {
  static final long OUTAGE_TARGET_MS = 5_000;
  private static final String OTHER = "default";
  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 5s
        stop_grace: 1s
        backup_interval: 1h
      assignees:
        sh:
          type: shell
      """;

  /** What one fault did; {@code skipped} is the reason it could not run, else null. */
  record Outcome(String fault, String skipped, Set<String> statesDuringFault, String causeDuringFault,
      int apiStatusDuringFault, String apiErrorDuringFault, int cliExitDuringFault, String cliMessageDuringFault,
      int otherBoardSpawnsDuringFault, long outageMs, int acknowledged, int lost, String integrity, String note) {
    static Outcome skipped(String fault, String reason) {
      return new Outcome(fault, reason, Set.of(), null, 0, null, 0, null, 0, -1, 0, 0, null, null);
    }
  }

  @Override
  public String name() {
    return "faults";
  }

  @Override
  public void run(BenchOptions options, ResultTable table, PrintStream progress) throws Exception {
    for (Outcome o : runAll(options, progress)) {
      report(o, table);
    }
  }

  List<Outcome> runAll(BenchOptions options, PrintStream progress) throws Exception {
    Path root = Files.createTempDirectory(options.dir(), "faults-");
    String cannot = Mounts.unavailableReason(root);
    long holdMs = options.quick() ? 2_000 : options.longMode() ? 30_000 : 8_000;
    List<Outcome> out = new ArrayList<>();
    if (cannot != null) {
      ServedDrillHome.deleteTree(root);
      out.add(Outcome.skipped("disk full", cannot));
      out.add(Outcome.skipped("read-only", cannot));
      return out;
    }
    long t0 = System.nanoTime();
    try {
      progress.println("  disk full ...");
      out.add(diskFull(root.resolve("full"), holdMs, progress));
      progress.printf(Locale.ROOT, "  read-only ... (%.1f s so far)%n", (System.nanoTime() - t0) / 1e9);
      out.add(readOnly(root.resolve("ro"), holdMs, progress));
      progress.printf(Locale.ROOT, "  faults done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      return out;
    } finally {
      ServedDrillHome.deleteTree(root);
    }
  }

  static void report(Outcome o, ResultTable table) {
    String p = "faults: " + o.fault() + ": ";
    if (o.skipped() != null) {
      table.add(p + "not run", "skipped: " + o.skipped(), "", "", "", "SKIP");
      return;
    }
    boolean degraded = o.statesDuringFault().contains("degraded") && !o.statesDuringFault().contains("unavailable");
    table.add(p + "board state during the fault", String.join("/", o.statesDuringFault()), "", "", "degraded",
        degraded ? "PASS" : "FAIL");
    table.info(p + "cause shown", o.causeDuringFault() == null ? "-" : shorten(o.causeDuringFault()));
    table.add(p + "API write during the fault", "HTTP " + o.apiStatusDuringFault() + " " + o.apiErrorDuringFault(),
        "", "", "HTTP 503 unavailable", o.apiStatusDuringFault() == 503 ? "PASS" : "FAIL");
    table.add(p + "CLI write during the fault", "exit " + o.cliExitDuringFault(), "", "", "exit 5",
        o.cliExitDuringFault() == 5 ? "PASS" : "FAIL");
    table.add(p + "workers started on the other board during the fault", Integer.toString(o.otherBoardSpawnsDuringFault()),
        "", "", "> 0", o.otherBoardSpawnsDuringFault() > 0 ? "PASS" : "FAIL");
    table.add(p + "dispatch outage after the fault cleared",
        o.outageMs() < 0 ? "never resumed" : String.format(Locale.ROOT, "%.1f s", o.outageMs() / 1000.0), "", "",
        "< 5 s", o.outageMs() < 0 ? "FAIL" : o.outageMs() < OUTAGE_TARGET_MS ? "PASS" : "MISS");
    table.add(p + "acknowledged writes lost", o.lost() + " of " + o.acknowledged(), "", "", "0",
        o.lost() == 0 && o.acknowledged() > 0 ? "PASS" : "FAIL");
    table.add(p + "integrity_check", o.integrity(), "", "", "ok", "ok".equals(o.integrity()) ? "PASS" : "FAIL");
    if (o.note() != null) {
      table.info(p + "note", o.note());
    }
  }

  private static String shorten(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 110 ? one : one.substring(0, 107) + "...";
  }

  // ---- disk full -----------------------------------------------------------------------------

  private Outcome diskFull(Path home, long holdMs, PrintStream progress) throws Exception {
    String board = "full";
    Path dir = home.resolve("boards").resolve(board);
    ServedDrillHome.writeConfig(home, CONFIG);
    Mounts.tmpfs(dir, 8L << 20);
    try {
      Trickle trickle;
      Fault f = new Fault();
      try (ServedDrillHome g = ServedDrillHome.start(home)) {
        require(g.post("/api/v1/boards", Map.of("slug", board)), 201);
        trickle = new Trickle(g, List.of(board, OTHER), 2_000);
        trickle.start();
        awaitDone(g, board, 3, 60_000);
        progress.println("    filling the disk");
        Mounts.fill(dir.resolve("ballast"));
        f.startedAt = System.currentTimeMillis();
        // The fault shows once the WAL must grow: the next writes fail.
        if (!trickle.awaitRefusal(board, 60_000)) {
          trickle.stop();
          return failedToFault("disk full", "no write failed within 60 s of filling the disk", trickle);
        }
        observe(g, board, holdMs, f);
        Mounts.remove(dir.resolve("ballast"));
        f.clearedAt = System.currentTimeMillis();
        progress.println("    ballast removed");
        long outage = outage(g, board, f.clearedAt, 60_000);
        trickle.stop();
        progress.println("    dispatch resumed after " + outage + " ms; waiting for the acknowledged tasks");
        awaitDone(g, board, trickle.acknowledged(board).size(), 60_000);
        int lost = lost(g, board, trickle.acknowledged(board));
        g.stop();
        return new Outcome("disk full", null, f.states, f.cause, f.api.status(), errorCode(f.api), f.cli.exit(),
            f.cli.err().strip(), f.otherSpawns, outage, trickle.acknowledged(board).size(), lost, integrity(dir),
            trickle.refused(board) + " API writes refused during the fault");
      }
    } finally {
      Mounts.unmount(dir);
    }
  }

  // ---- read-only -----------------------------------------------------------------------------

  private Outcome readOnly(Path home, long holdMs, PrintStream progress) throws Exception {
    String board = "ro";
    Path dir = home.resolve("boards").resolve(board);
    ServedDrillHome.writeConfig(home, CONFIG);
    Mounts.tmpfs(dir, 16L << 20);
    try {
      List<String> waiting = new ArrayList<>();
      cliOk(ServedDrillHome.cli(home, "boards", "create", board));
      for (int i = 0; i < 2; i++) {
        ServedDrillHome.CliResult r = cliOk(ServedDrillHome.cli(home, "create", "waiting " + i, "--board", board,
            "--assignee", "sh", "--body", "exit 0", "--json"));
        waiting.add(org.agentkanban.wire.Json.mapper().readTree(r.out()).path("task").path("id").asText());
      }
      String refused = Mounts.remount(dir, true);
      if (refused != null) {
        return Outcome.skipped("read-only", "cannot remount the board's tmpfs read-only: " + refused);
      }
      Fault f = new Fault();
      try (ServedDrillHome g = ServedDrillHome.start(home)) {
        f.startedAt = System.currentTimeMillis();
        Trickle trickle = new Trickle(g, List.of(OTHER), 0);
        trickle.start();
        observe(g, board, holdMs, f);
        String rw = Mounts.remount(dir, false);
        if (rw != null) {
          throw new IOException("cannot remount the board's tmpfs writable again: " + rw);
        }
        f.clearedAt = System.currentTimeMillis();
        progress.println("    writable again");
        long outage = outage(g, board, f.clearedAt, 60_000);
        trickle.stop();
        progress.println("    dispatch resumed after " + outage + " ms");
        awaitDone(g, board, waiting.size(), 60_000);
        int lost = lost(g, board, waiting);
        String busy = Mounts.remount(dir, true);
        String note;
        if (busy == null) {
          Mounts.remount(dir, false);
          note = "the kernel let the board's file system be remounted read-only under the gateway";
        } else {
          String first = busy.strip().lines().findFirst().orElse("");
          note = "remounting read-only under the running gateway: refused by the kernel ("
              + first.substring(first.lastIndexOf(": ") + 1).strip() + ")";
        }
        g.stop();
        return new Outcome("read-only", null, f.states, f.cause, f.api.status(), errorCode(f.api), f.cli.exit(),
            f.cli.err().strip(), f.otherSpawns, outage, waiting.size(), lost, integrity(dir), note);
      }
    } finally {
      Mounts.unmount(dir);
    }
  }

  // ---- observing -----------------------------------------------------------------------------

  /** What was seen while the fault lasted. */
  private static final class Fault {
    long startedAt;
    long clearedAt;
    final Set<String> states = new LinkedHashSet<>();
    String cause;
    ServedDrillHome.Reply api;
    ServedDrillHome.CliResult cli;
    int otherSpawns;
  }

  /** For {@code holdMs}: samples the board's health, tries one API and one CLI write, counts the other board's spawns. */
  private static void observe(ServedDrillHome g, String board, long holdMs, Fault f) throws Exception {
    long end = System.currentTimeMillis() + holdMs;
    f.api = g.post("/api/v1/boards/" + board + "/tasks", Map.of("title", "during the fault", "assignee", "sh", "body", "exit 0"));
    f.cli = g.cli("create", "during the fault (CLI)", "--board", board, "--assignee", "sh", "--body", "exit 0");
    do {
      JsonNode h = g.boardHealth(board);
      String state = h.path("status").asText("missing");
      f.states.add(state);
      if (f.cause == null && !h.path("cause").isMissingNode() && !h.path("cause").isNull()) {
        f.cause = h.path("cause").asText();
      }
      Thread.sleep(200);
    } while (System.currentTimeMillis() < end);
    f.otherSpawns = spawnsSince(g, OTHER, f.startedAt).size();
  }

  /** From the fault clearing to the first worker started on the board. */
  private static long outage(ServedDrillHome g, String board, long clearedAt, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      List<Long> spawns = spawnsSince(g, board, clearedAt);
      if (!spawns.isEmpty()) {
        return spawns.get(0) - clearedAt;
      }
      Thread.sleep(100);
    }
    return -1;
  }

  /** Times of SPAWNED events on a board at or after {@code since}, oldest first. */
  static List<Long> spawnsSince(ServedDrillHome g, String board, long since) throws Exception {
    List<Long> out = new ArrayList<>();
    long after = 0;
    while (true) {
      ServedDrillHome.Reply r = g.get("/api/v1/boards/" + board + "/events?limit=1000&after=" + after);
      if (r.status() != 200) {
        return out;
      }
      JsonNode events = r.json().path("events");
      for (JsonNode e : events) {
        long at = e.path("created_at").asLong();
        if (EventKind.SPAWNED.wire().equals(e.path("kind").asText()) && at >= since) {
          out.add(at);
        }
        after = e.path("id").asLong();
      }
      if (events.size() < 1000) {
        return out;
      }
    }
  }

  private static void awaitDone(ServedDrillHome g, String board, int atLeast, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      ServedDrillHome.Reply r = g.get("/api/v1/boards/" + board + "/stats");
      if (r.status() == 200 && r.json().path("by_status").path("done").asInt() >= atLeast) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Acknowledged tasks that the board no longer has. */
  private static int lost(ServedDrillHome g, String board, List<String> acknowledged) throws Exception {
    int lost = 0;
    for (String id : acknowledged) {
      if (g.get("/api/v1/boards/" + board + "/tasks/" + id).status() == 404) {
        lost++;
      }
    }
    return lost;
  }

  /** PRAGMA integrity_check, on a connection of its own once the gateway has stopped. */
  static String integrity(Path boardDir) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + boardDir.resolve("board.db") + "?mode=ro");
        var st = c.createStatement();
        var rs = st.executeQuery("PRAGMA integrity_check")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return String.join("; ", rows);
    } catch (SQLException e) {
      return "cannot check: " + e.getMessage();
    }
  }

  private static String errorCode(ServedDrillHome.Reply r) {
    try {
      return r.json().path("error").path("code").asText("");
    } catch (IllegalStateException e) {
      return "(not JSON)";
    }
  }

  private static Outcome failedToFault(String fault, String why, Trickle t) {
    return new Outcome(fault, null, Set.of("never faulted"), why, 0, null, 0, null, 0, -1,
        t.acknowledged("full").size(), 0, "not checked", why);
  }

  private static void require(ServedDrillHome.Reply r, int status) {
    if (r.status() != status) {
      throw new IllegalStateException("expected HTTP " + status + ", got " + r.status() + ": " + r.body());
    }
  }

  private static ServedDrillHome.CliResult cliOk(ServedDrillHome.CliResult r) {
    if (r.exit() != 0) {
      throw new IllegalStateException("kanban exited " + r.exit() + ": " + r.err());
    }
    return r;
  }
}
