package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Status;
import org.agentkanban.service.LocalBoardService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token may do everything; a run token reads its board and writes its own task, fenced to its run. */
class ApiAuthTest {
  private static final String BOARD = "/api/v1/boards/default";
  private static final String TASKS = BOARD + "/tasks";
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;
  private LocalBoardService board;
  private String own;
  private String other;
  private long runId;
  private String token;
  private TestHttp worker;

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    admin = gateway.admin();
    board = gateway.local("default");
    own = admin.post(TASKS, Map.of("title", "own", "assignee", "coder")).json().path("task").path("id").asText();
    other = admin.post(TASKS, Map.of("title", "other")).json().path("task").path("id").asText();
    var claim = admin.post(TASKS + "/" + own + "/claim", "").json();
    runId = claim.path("run").path("id").asLong();
    token = claim.path("run_token").asText();
    worker = gateway.anonymous().run(token, runId, own);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private static void assertStatus(TestHttp.Reply r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).isEqualTo(code);
  }

  @Test
  void withoutATokenOnlyHealthAndMetricsAnswer() {
    assertStatus(gateway.anonymous().get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().get("/api/v1/boards"), 401, "unauthorized");
    assertStatus(gateway.anonymous().post(TASKS, Map.of("title", "x")), 401, "unauthorized");
    assertThat(gateway.anonymous().get("/api/v1/health").status()).isEqualTo(200);
    assertThat(gateway.anonymous().get("/metrics").status()).isEqualTo(200);
    assertThat(board.list(org.agentkanban.store.TaskQuery.all())).hasSize(2);
  }

  @Test
  void aWrongAdminTokenOrAnotherSchemeIs401() {
    assertStatus(gateway.anonymous().bearer("not-the-token").get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().header("Authorization", "Basic " + gateway.adminToken).get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().header("Authorization", "Bearer ").get(TASKS), 401, "unauthorized");
  }

  @Test
  void aRunTokenReadsTheBoard() {
    assertThat(worker.get(TASKS).status()).isEqualTo(200);
    assertThat(worker.get(TASKS + "/" + other).status()).isEqualTo(200);
    assertThat(worker.get(TASKS + "/" + own + "/context").status()).isEqualTo(200);
    assertThat(worker.get(TASKS + "/" + own + "/runs").status()).isEqualTo(200);
    assertThat(worker.get(BOARD + "/events").status()).isEqualTo(200);
    assertThat(worker.get(BOARD + "/stats").status()).isEqualTo(200);
    assertThat(worker.get(BOARD).status()).isEqualTo(200);
  }

  @Test
  void aRunTokenCompletesItsOwnTaskAsItsRun() {
    assertThat(worker.post(TASKS + "/" + own + "/heartbeat", "{\"note\": \"alive\"}").status()).isEqualTo(200);
    TestHttp.Reply done = worker.post(TASKS + "/" + own + "/complete", "{\"summary\": \"done\"}");
    assertThat(done.status()).as(done.toString()).isEqualTo(200);
    assertThat(done.json().path("status").asText()).isEqualTo("done");
    var completed = board.events(0, own, 100).stream().filter(e -> e.kind() == EventKind.COMPLETED).findFirst().orElseThrow();
    assertThat(completed.actor()).isEqualTo("coder");
    assertThat(board.runs(own).get(0).summary()).isEqualTo("done");
  }

  @Test
  void aRunTokenBlocksRequestsReviewCommentsAndAttachesOnItsOwnTask() {
    assertThat(worker.post(TASKS + "/" + own + "/comments", Map.of("body", "progress")).status()).isEqualTo(201);
    assertThat(worker.postBytes(TASKS + "/" + own + "/attachments?name=log.txt", "x".getBytes(StandardCharsets.UTF_8),
        "text/plain").status()).isEqualTo(201);
    assertThat(worker.post(TASKS + "/" + own + "/request-review", "{\"summary\": \"ready\"}").status()).isEqualTo(200);
    assertThat(board.show(own, 0).view().task().status()).isEqualTo(Status.REVIEW);
  }

  @Test
  void aRunTokenCreatesLinksAndCommentsElsewhereAsItsRun() {
    TestHttp.Reply created = worker.post(TASKS, Map.of("title", "follow-up"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().path("task").path("created_by").asText()).isEqualTo("coder");
    String child = created.json().path("task").path("id").asText();
    assertThat(worker.post(BOARD + "/links", Map.of("parent", other, "child", child)).status()).isEqualTo(200);
    TestHttp.Reply comment = worker.post(TASKS + "/" + other + "/comments", Map.of("body", "related"));
    assertThat(comment.status()).as(comment.toString()).isEqualTo(201);
    assertThat(comment.json().path("author").asText()).isEqualTo("coder");
  }

  @Test
  void aRunTokenOnAnotherTasksVerbIs403AndSaysWhatItMayDo() {
    TestHttp.Reply r = worker.post(TASKS + "/" + other + "/complete", "");
    assertStatus(r, 403, "forbidden");
    assertThat(r.errorMessage()).contains("its own task " + own).contains("create tasks");
    assertThat(board.show(other, 0).view().task().status()).isEqualTo(Status.READY);
    assertStatus(worker.postBytes(TASKS + "/" + other + "/attachments?name=x.txt", new byte[1], null), 403, "forbidden");
  }

  @Test
  void aRunTokenCannotUseTheAdminVerbs() {
    assertStatus(worker.post(TASKS + "/" + other + "/claim", ""), 403, "forbidden");
    assertStatus(worker.post(TASKS + "/" + own + "/reclaim", ""), 403, "forbidden");
    assertStatus(worker.post(TASKS + "/" + own + "/unblock", ""), 403, "forbidden");
    assertStatus(worker.patch(TASKS + "/" + own, "{\"title\": \"mine now\"}"), 403, "forbidden");
    assertStatus(worker.post(TASKS + "/" + own + "/assign", Map.of("assignee", "me")), 403, "forbidden");
    assertStatus(worker.delete(BOARD + "/links/" + own + "/" + other), 403, "forbidden");
    assertStatus(worker.get("/api/v1/boards"), 403, "forbidden");
    assertStatus(worker.post(BOARD + "/tick", ""), 403, "forbidden");
  }

  @Test
  void aRunTokenAfterItsRunWasReclaimedIs409AndTheRejectionIsRecorded() {
    admin.post(TASKS + "/" + own + "/reclaim", "{\"reason\": \"stuck\"}");
    TestHttp.Reply late = worker.post(TASKS + "/" + own + "/complete", "{\"summary\": \"too late\"}");
    assertStatus(late, 409, "conflict");
    assertThat(late.errorMessage()).contains("run " + runId + " is no longer the current run of " + own);
    assertThat(board.show(own, 0).view().task().status()).isEqualTo(Status.READY);
    assertThat(board.events(0, own, 100)).anyMatch(e -> e.kind() == EventKind.STALE_WRITE_REJECTED && runId == e.runId());
    assertStatus(worker.post(TASKS, Map.of("title", "late work")), 409, "conflict");
    assertStatus(worker.post(TASKS + "/" + other + "/comments", Map.of("body", "late")), 409, "conflict");
  }

  @Test
  void aForgedOrMisdirectedRunTokenIs401() {
    assertStatus(gateway.anonymous().run("kr_forged", runId, own).get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().run(token, runId, other).get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().run(token, runId + 1, own).get(TASKS), 401, "unauthorized");
    assertStatus(gateway.anonymous().bearer(token).get(TASKS), 401, "unauthorized");
    gateway.home.board("elsewhere").close();
    assertStatus(gateway.anonymous().run(token, runId, own).get("/api/v1/boards/elsewhere/tasks"), 401, "unauthorized");
  }

  @Test
  void theAdminMayNameThePersonItActsFor() {
    TestHttp.Reply r = admin.header("X-Kanban-Actor", "utf-8''Jos%C3%A9").post(TASKS, Map.of("title", "named"));
    assertThat(r.json().path("task").path("created_by").asText()).isEqualTo("José");
    assertThat(admin.post(TASKS, Map.of("title", "anonymous")).json().path("task").path("created_by").asText()).isEqualTo("api");
  }
}
