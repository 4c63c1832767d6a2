package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.wire.Json;

/** The gateway benchmark's client of the HTTP API, with the admin token: what an orchestrator does. */
final class GatewayApi {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  GatewayApi(String url, String adminToken) {
    this.base = url + "/api/v1";
    this.token = adminToken;
  }

  /** Creates a task on {@code board}; returns the task document. */
  JsonNode create(String board, String title, String assignee) {
    return post("/boards/" + board + "/tasks", Map.of("title", title, "assignee", assignee)).path("task");
  }

  JsonNode createBoard(String slug) {
    return post("/boards", Map.of("slug", slug));
  }

  /** The task with its last {@code events} events. */
  JsonNode show(String board, String id, int events) {
    return get("/boards/" + board + "/tasks/" + id + "?events=" + events);
  }

  String status(String board, String id) {
    return show(board, id, 0).path("task").path("status").asText();
  }

  /** Gateway and board health (public; 503 when degraded, still the same document). */
  JsonNode health() {
    return get("/health");
  }

  JsonNode stats(String board) {
    return get("/boards/" + board + "/stats");
  }

  private JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  private JsonNode post(String path, Object body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("X-Kanban-Actor", "bench");
  }

  private JsonNode send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw KanbanException.unavailable("the benchmark's gateway answered " + request.method() + " " + request.uri()
            + " with " + r.statusCode() + ": " + r.body(), null);
      }
      return Json.tree(r.body());
    } catch (IOException e) {
      throw KanbanException.unavailable("the benchmark's gateway did not answer " + request.uri() + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KanbanException.unavailable("interrupted", e);
    }
  }
}
