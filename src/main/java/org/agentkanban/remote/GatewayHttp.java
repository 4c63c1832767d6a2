package org.agentkanban.remote;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.wire.Json;

/**
 * Requests to a gateway and the way back: JSON bodies through the one mapper, every HTTP error
 * turned into the {@link KanbanException} the gateway's service threw (same kind, same message),
 * and a gateway that does not answer into {@link ErrorKind#UNAVAILABLE}.
 */
final class GatewayHttp {
  /** A local gateway answers a connect at once; waiting longer only delays the error. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** A verb is one transaction; a minute covers a board waiting out a long write lock. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** An upload of the largest attachment over a slow link. */
  static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);

  private static volatile HttpClient client;

  private final String base;
  private final Map<String, String> headers;

  GatewayHttp(String baseUrl, Map<String, String> headers) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.headers = Map.copyOf(headers);
  }

  String base() {
    return base;
  }

  private static HttpClient client() {
    if (client == null) {
      synchronized (GatewayHttp.class) {
        if (client == null) {
          // HTTP/1.1: the gateway speaks plain HTTP; an h2c upgrade attempt would only cost a round trip.
          client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        }
      }
    }
    return client;
  }

  <T> T get(String path, Class<T> type, Map<String, String> extra) {
    return send(request(path, extra).GET(), type, REQUEST_TIMEOUT);
  }

  /**
   * A GET whose answer is JSON with 2xx and 503 alike: {@code /api/v1/health} answers 503 with the
   * same document when a board is in trouble, and that document is what the caller wants to show.
   */
  com.fasterxml.jackson.databind.JsonNode getDocument(String path) {
    HttpResponse<byte[]> response;
    try {
      response = client().send(request(path, Map.of()).GET().timeout(REQUEST_TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw notAnswering("(" + describe(e) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KanbanException.unavailable("interrupted while waiting for the gateway at " + base, e);
    }
    if (response.statusCode() >= 300 && response.statusCode() != 503) {
      throw error(response.statusCode(), response.body());
    }
    try {
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw KanbanException.unavailable("the gateway at " + base + " sent an answer this client cannot read", e);
    }
  }

  <T> T send(String method, String path, Object body, Class<T> type, Map<String, String> extra) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(Json.write(body));
    HttpRequest.Builder b = request(path, extra).method(method, publisher);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b, type, REQUEST_TIMEOUT);
  }

  <T> T upload(String path, Path file, String contentType, Class<T> type, Map<String, String> extra) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw KanbanException.notFound("no such file: " + file);
    }
    HttpRequest.Builder b = request(path, extra).POST(publisher);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b, type, UPLOAD_TIMEOUT);
  }

  private HttpRequest.Builder request(String path, Map<String, String> extra) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(extra);
    all.forEach(b::header);
    return b.header("Accept", "application/json");
  }

  private <T> T send(HttpRequest.Builder builder, Class<T> type, Duration timeout) {
    HttpResponse<byte[]> response;
    try {
      response = client().send(builder.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw notAnswering("(" + describe(e) + ")", e);
    } catch (HttpTimeoutException e) {
      throw notAnswering("within " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw notAnswering("(" + describe(e) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KanbanException.unavailable("interrupted while waiting for the gateway at " + base, e);
    }
    if (response.statusCode() >= 300) {
      throw error(response.statusCode(), response.body());
    }
    try {
      return Json.mapper().readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(response.body());
    } catch (IOException e) {
      throw KanbanException.unavailable("the gateway at " + base + " sent an answer this client cannot read ("
          + e.getMessage().lines().findFirst().orElse("") + "); are the CLI and the gateway the same version?", e);
    }
  }

  private KanbanException notAnswering(String how, Exception cause) {
    return KanbanException.unavailable("the gateway at " + base + " is not answering " + how
        + "; check that 'kanban serve' is running", cause);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The gateway's error document back as the exception its service threw. */
  KanbanException error(int status, byte[] body) {
    String code = null;
    String message = null;
    try {
      JsonNode error = Json.mapper().readTree(body).path("error");
      code = error.path("code").asText(null);
      message = error.path("message").asText(null);
    } catch (IOException | RuntimeException e) {
      // not our JSON: a proxy's page or a different server on that port
    }
    if (message == null) {
      message = "the gateway at " + base + " answered HTTP " + status;
    }
    return new KanbanException(kind(code, status), message);
  }

  static ErrorKind kind(String code, int status) {
    for (ErrorKind k : ErrorKind.values()) {
      if (k.code().equals(code)) {
        return k;
      }
    }
    if (status == 400 || status == 413) {
      return ErrorKind.INVALID_INPUT;
    }
    if (status == 404) {
      return ErrorKind.NOT_FOUND;
    }
    if (status == 409) {
      return ErrorKind.CONFLICT;
    }
    if (status >= 500) {
      return ErrorKind.UNAVAILABLE;
    }
    return ErrorKind.REFUSED; // 401, 403, 422: the gateway says no
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * A header value as sent: plain when it is printable ASCII, else the RFC 8187 form
   * {@code utf-8''<percent-encoded>} (the API decodes both).
   */
  static String headerValue(String value) {
    if (value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return value;
    }
    return "utf-8''" + encode(value);
  }
}
