package org.agentkanban.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.agentkanban.wire.Json;

/** A server-sent-events client for tests: collects each message (id, event, data) as it arrives. */
public final class TestSse implements AutoCloseable {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One event as received. */
  public record Message(long id, String event, JsonNode data) {}

  public final int status;
  public final String contentType;
  public final List<Message> messages = new CopyOnWriteArrayList<>();
  public final AtomicBoolean ended = new AtomicBoolean();
  private final InputStream body;

  public TestSse(String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(b::header);
    HttpResponse<InputStream> r = CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .get(30, TimeUnit.SECONDS);
    status = r.statusCode();
    contentType = r.headers().firstValue("Content-Type").orElse("");
    body = r.body();
    Thread reader = new Thread(this::read, "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      Long id = null;
      String event = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            messages.add(new Message(id == null ? -1 : id, event, Json.tree(data.toString())));
          }
          id = null;
          event = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).strip());
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
      }
    } catch (IOException e) {
      // closed by the test or the server
    } finally {
      ended.set(true);
    }
  }

  public List<Long> ids() {
    return messages.stream().map(Message::id).toList();
  }

  @Override
  public void close() throws IOException {
    body.close();
  }

  public static Duration patience() {
    return Duration.ofSeconds(20);
  }
}
