package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.domain.Status;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status verbs over HTTP, each answering with the task as the service left it. */
class ApiLifecycleTest {
  private static final String TASKS = "/api/v1/boards/default/tasks";
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;
  private LocalBoardService board;

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    admin = gateway.admin();
    board = gateway.local("default");
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private String create(String title) {
    return admin.post(TASKS, Map.of("title", title)).json().path("task").path("id").asText();
  }

  private JsonNode verb(String id, String verb, String body) {
    TestHttp.Reply r = admin.post(TASKS + "/" + id + "/" + verb, body);
    assertThat(r.status()).as(verb + ": " + r).isEqualTo(200);
    JsonNode task = r.json();
    assertThat(task).isEqualTo(Json.tree(Json.write(Documents.task(board.show(id, 0).view()))));
    return task;
  }

  private Status status(String id) {
    return board.show(id, 0).view().task().status();
  }

  @Test
  void claimOpensARunAndReturnsItsTokenOnce() {
    String id = create("claim me");
    TestHttp.Reply r = admin.post(TASKS + "/" + id + "/claim", Map.of("lease_ttl_ms", 120_000));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("task").path("status").asText()).isEqualTo("running");
    assertThat(r.json().path("run").path("lease_ttl_ms").asLong()).isEqualTo(120_000);
    assertThat(r.json().path("run_token").asText()).startsWith("kr_");
    assertThat(r.json().path("run").has("token_hash")).isFalse();
  }

  @Test
  void heartbeatCompleteWithSummaryAndMetadata() {
    String id = create("work");
    admin.post(TASKS + "/" + id + "/claim", "");
    verb(id, "heartbeat", "{\"note\": \"half way\"}");
    JsonNode done = verb(id, "complete", "{\"summary\": \"did it\", \"metadata\": {\"tests\": 42}}");
    assertThat(done.path("status").asText()).isEqualTo("done");
    assertThat(board.runs(id).get(0).metadata()).isEqualTo("{\"tests\":42}");
    assertThat(board.runs(id).get(0).summary()).isEqualTo("did it");
  }

  @Test
  void blockUnblockPromoteAndArchive() {
    String id = create("bumpy");
    assertThat(verb(id, "block", "{\"reason\": \"needs a key\", \"kind\": \"needs_input\"}").path("block_kind").asText())
        .isEqualTo("needs_input");
    assertThat(status(id)).isEqualTo(Status.BLOCKED);
    verb(id, "unblock", "{\"reason\": \"key given\"}");
    assertThat(status(id)).isEqualTo(Status.READY);
    String idea = admin.post(TASKS, Map.of("title", "idea", "triage", true)).json().path("task").path("id").asText();
    verb(idea, "promote", "");
    assertThat(status(idea)).isEqualTo(Status.READY);
    verb(id, "archive", "{\"reason\": \"obsolete\"}");
    assertThat(status(id)).isEqualTo(Status.ARCHIVED);
  }

  @Test
  void scheduleParksATaskAndTickWakesItWhenDue() {
    String id = create("later");
    long at = gateway.home.clock.now() + 60_000;
    assertThat(verb(id, "schedule", "{\"at\": " + at + ", \"reason\": \"rate limit\"}").path("scheduled_at").asLong())
        .isEqualTo(at);
    assertThat(status(id)).isEqualTo(Status.SCHEDULED);
    gateway.home.clock.advance(61_000);
    JsonNode tick = admin.post("/api/v1/boards/default/tick", "").json();
    assertThat(tick.path("woken").get(0).asText()).isEqualTo(id);
    assertThat(status(id)).isEqualTo(Status.READY);
  }

  @Test
  void theReviewLoopRequestReviewRequestChangesAndReopen() {
    String id = create("review me");
    admin.post(TASKS + "/" + id + "/assign", Map.of("assignee", "coder"));
    admin.post(TASKS + "/" + id + "/claim", "");
    JsonNode review = verb(id, "request-review", "{\"summary\": \"PR 12\", \"reviewer\": \"qa\"}");
    assertThat(review.path("status").asText()).isEqualTo("review");
    assertThat(review.path("assignee").asText()).isEqualTo("qa");
    admin.post(TASKS + "/" + id + "/claim", "");
    JsonNode back = verb(id, "request-changes", "{\"reason\": \"untested\"}");
    assertThat(back.path("status").asText()).isEqualTo("ready");
    assertThat(back.path("assignee").asText()).isEqualTo("coder");
    verb(id, "request-review", "");
    verb(id, "reopen-review", "{\"reason\": \"one more thing\"}");
    assertThat(status(id)).isEqualTo(Status.READY);
  }

  @Test
  void reclaimReleasesARunningTask() {
    String id = create("stuck");
    admin.post(TASKS + "/" + id + "/claim", "");
    assertThat(verb(id, "reclaim", "{\"reason\": \"stuck\"}").path("status").asText()).isEqualTo("ready");
    assertThat(board.runs(id).get(0).outcome().wire()).isEqualTo("reclaimed");
  }

  @Test
  void anAdminNamingARunIsFencedToIt() {
    String id = create("fenced");
    long run = admin.post(TASKS + "/" + id + "/claim", "").json().path("run").path("id").asLong();
    admin.post(TASKS + "/" + id + "/reclaim", "");
    TestHttp.Reply late = admin.header("X-Kanban-Run", Long.toString(run)).post(TASKS + "/" + id + "/complete", "");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.errorCode()).isEqualTo("conflict");
    assertThat(status(id)).isEqualTo(Status.READY);
  }

  @Test
  void statsAndGcAnswerTheirDocuments() {
    create("counted");
    JsonNode stats = admin.get("/api/v1/boards/default/stats").json();
    assertThat(stats).isEqualTo(Json.tree(Json.write(Documents.stats(board.stats()))));
    assertThat(stats.path("by_status").path("ready").asInt()).isEqualTo(1);
    JsonNode gc = admin.post("/api/v1/boards/default/gc", "{\"event_retention_ms\": 1000, \"log_retention_ms\": 1000}").json();
    assertThat(gc.has("events_deleted")).isTrue();
    assertThat(admin.post("/api/v1/boards/default/gc", "").status()).isEqualTo(200);
  }
}
