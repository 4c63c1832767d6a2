package org.agentkanban.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.testkit.TestHttp;

/**
 * A home with a real gateway process ({@code kanban serve}) for the damage tests: tasks created
 * and watched through its API, the boards' quarantine and backups looked at with {@code stat}s and
 * directory listings only (never by opening a board's database files).
 */
final class DamageScene implements AutoCloseable {
  final Path home;
  private final List<ServeProcess> serves = new ArrayList<>();
  ServeProcess serve;
  TestHttp admin;

  DamageScene(Path home, String config) {
    this.home = home;
    try {
      Files.writeString(home.resolve("config.yaml"), config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String config(boolean autoRestore) {
    return """
        gateway:
          safety_tick: 1s
          lease_ttl: 3s
          stop_grace: 1s
          backup_interval: 0
          auto_restore: AUTO
        assignees:
          sh:
            type: shell
        """.replace("AUTO", Boolean.toString(autoRestore));
  }

  DamageScene start() {
    serve = ServeProcess.start(home);
    serves.add(serve);
    String token = GatewayFile.read(new KanbanHome(home).gatewayFile()).orElseThrow().adminToken();
    admin = new TestHttp(serve.url()).bearer(token);
    return this;
  }

  Path db(String board) {
    return home.resolve("boards").resolve(board).resolve("board.db");
  }

  String create(String board, String title) {
    TestHttp.Reply r = admin.post("/api/v1/boards/" + board + "/tasks", Map.of("title", title, "assignee", "sh",
        "body", "echo " + title));
    if (r.status() != 201) {
      throw new AssertionError("create on " + board + ": " + r);
    }
    return r.json().path("task").path("id").asText();
  }

  String status(String board, String id) {
    TestHttp.Reply r = admin.get("/api/v1/boards/" + board + "/tasks/" + id);
    return r.status() == 200 ? r.json().path("task").path("status").asText() : "HTTP " + r.status();
  }

  /** Creates a task and waits until a worker has done it: the board dispatches. */
  long dispatches(String board, String title) {
    long started = System.nanoTime();
    String id = create(board, title);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(board, id).equals("done"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(board + " did not dispatch " + id + " (" + status(board, id) + "); health "
          + admin.get("/api/v1/health") + "\n" + serve.output(), e);
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** The board's events of a kind, through the API (empty while the board is unavailable). */
  List<JsonNode> events(String board, String kind) {
    TestHttp.Reply r = admin.get("/api/v1/boards/" + board + "/events?limit=10000");
    List<JsonNode> out = new ArrayList<>();
    if (r.status() == 200) {
      r.json().path("events").forEach(e -> {
        if (e.path("kind").asText().equals(kind)) {
          out.add(e);
        }
      });
    }
    return out;
  }

  JsonNode boardHealth(String board) {
    for (JsonNode b : admin.get("/api/v1/health").json().path("boards")) {
      if (b.path("board").asText().equals(board)) {
        return b;
      }
    }
    return null;
  }

  /** Distinct damaged databases kept in the board's quarantine. */
  long quarantined(String board) {
    Path dir = home.resolve("boards").resolve(board).resolve("quarantine");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String backup(String board) {
    TestHttp.Reply r = admin.post("/api/v1/boards/" + board + "/backups", "{}");
    if (r.status() != 201) {
      throw new AssertionError("backup of " + board + ": " + r);
    }
    return r.json().path("file").asText();
  }

  @Override
  public void close() {
    serves.forEach(ServeProcess::close);
    Procs.killAllOf(home);
  }
}
