package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Boards, health, metrics and the server's lifecycle. */
class ApiBoardsTest {
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    admin = gateway.admin();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void boardsAreCreatedListedShownAndRenamed() {
    TestHttp.Reply created = admin.post("/api/v1/boards", Map.of("slug", "research", "name", "Research"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().path("name").asText()).isEqualTo("Research");
    assertThat(admin.post("/api/v1/boards", Map.of("slug", "research")).status()).isEqualTo(200);
    JsonNode list = admin.get("/api/v1/boards").json();
    assertThat(list).isEqualTo(Json.tree(Json.write(Documents.boards(gateway.home.boards.list(false)))));
    assertThat(list.path("boards").findValuesAsText("slug")).contains("default", "research");
    JsonNode shown = admin.get("/api/v1/boards/research").json();
    assertThat(shown.path("counts").path("ready").asInt()).isZero();
    assertThat(admin.patch("/api/v1/boards/research", "{\"name\": \"Deep research\"}").json().path("name").asText())
        .isEqualTo("Deep research");
  }

  @Test
  void removingABoardGoesThroughTheGatewayWhichClosesItFirst() {
    admin.post("/api/v1/boards", Map.of("slug", "scratch"));
    admin.post("/api/v1/boards/scratch/tasks", Map.of("title", "open on the gateway"));
    TestHttp.Reply removed = admin.delete("/api/v1/boards/scratch");
    assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
    assertThat(removed.json().path("deleted").asBoolean()).isFalse();
    assertThat(Path.of(removed.json().path("archived_to").asText())).isDirectory();
    assertThat(admin.get("/api/v1/boards/scratch/tasks").status()).isEqualTo(404);
    admin.post("/api/v1/boards", Map.of("slug", "gone"));
    assertThat(admin.delete("/api/v1/boards/gone?delete=true").json().path("archived_to").isNull()).isTrue();
    assertThat(Files.exists(gateway.home.root.resolve("boards/gone"))).isFalse();
  }

  @Test
  void healthIs200WhenHealthyAnd503WithTheSameJsonWhenNot() {
    assertThat(gateway.anonymous().get("/api/v1/health").json().path("status").asText()).isEqualTo("healthy");
    gateway.health = new ApiContext.Health("unavailable", 1L, "test", List.of(new ApiContext.BoardHealth("default",
        "unavailable", false, "database disk image is malformed", "restore the newest backup", 0, 0)));
    TestHttp.Reply r = gateway.anonymous().get("/api/v1/health");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().path("boards").get(0).path("cause").asText()).contains("malformed");
    assertThat(r.json().path("boards").get(0).path("live_workers").asInt()).isZero();
  }

  @Test
  void metricsArePrometheusTextCountingRequests() {
    admin.get("/api/v1/boards/default/tasks");
    TestHttp.Reply r = gateway.anonymous().get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body()).contains("kanban_api_requests_seconds_count{method=\"GET\",route=\"/api/v1/boards/{board}/tasks\",status=\"200\"}");
    assertThat(gateway.requests()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void startAndStopAreIdempotent() {
    assertThat(gateway.server.start()).isSameAs(gateway.server);
    int port = gateway.server.port();
    gateway.server.start();
    assertThat(gateway.server.port()).isEqualTo(port);
    gateway.server.stop();
    gateway.server.stop();
    assertThatThrownBy(gateway.server::port).isInstanceOf(IllegalStateException.class);
    new ApiServer(gateway, ApiServer.Options.loopback(0, "t")).stop(); // stop before start is harmless
  }

  @Test
  void aPortInUseIsAClearUnavailableError() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ApiServer second = new ApiServer(gateway, ApiServer.Options.loopback(taken.getLocalPort(), "t"));
      assertThatThrownBy(second::start).isInstanceOf(org.agentkanban.domain.KanbanException.class)
          .hasMessageContaining("cannot serve the API on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
