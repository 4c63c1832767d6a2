package org.agentkanban.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agentkanban.wire.Json;

/** A small HTTP client for API tests: JSON in, status and JSON out. */
public final class TestHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public TestHttp(String base) {
    this.base = base;
  }

  public TestHttp bearer(String token) {
    return header("Authorization", "Bearer " + token);
  }

  /** A worker's client: its run token with the run and task headers. */
  public TestHttp run(String token, long runId, String taskId) {
    return bearer(token).header("X-Kanban-Run", Long.toString(runId)).header("X-Kanban-Task", taskId);
  }

  public TestHttp header(String name, String value) {
    TestHttp copy = new TestHttp(base);
    copy.headers.putAll(headers);
    copy.headers.put(name, value);
    return copy;
  }

  /** One answer: status, raw body, headers. */
  public record Reply(int status, String body, HttpHeaders headers) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
      }
    }

    public String errorCode() {
      return json().path("error").path("code").asText();
    }

    public String errorMessage() {
      return json().path("error").path("message").asText();
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + body;
    }
  }

  public Reply get(String path) {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  public Reply delete(String path) {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  public Reply post(String path, String json) {
    return send("POST", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
  }

  public Reply post(String path, Map<String, ?> body) {
    return post(path, Json.write(body));
  }

  public Reply patch(String path, String json) {
    return send("PATCH", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
  }

  public Reply postBytes(String path, byte[] bytes, String contentType) {
    return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(bytes), contentType);
  }

  public Reply send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
