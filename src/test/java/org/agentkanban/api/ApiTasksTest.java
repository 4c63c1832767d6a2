package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.agentkanban.service.Actor;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task routes end to end: each answers with the document {@code kanban --json} prints for the same verb. */
class ApiTasksTest {
  private static final String TASKS = "/api/v1/boards/default/tasks";
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;
  private LocalBoardService board;

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    admin = gateway.admin().header("X-Kanban-Actor", "alice");
    board = gateway.local("default");
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  /** What the CLI prints for a document: the same renderer, read back as a tree. */
  private static JsonNode cli(Object document) {
    return Json.tree(Json.write(document));
  }

  private String create(String title) {
    return admin.post(TASKS, Map.of("title", title)).json().path("task").path("id").asText();
  }

  @Test
  void createAnswers201WithTheCreatedDocumentAndRecordsTheActor() {
    TestHttp.Reply r = admin.post(TASKS, Map.of("title", "Write the parser", "body", "spec", "assignee", "coder",
        "priority", 5, "tenant", "acme", "max_runtime_ms", 60_000, "max_retries", 1, "workspace", "scratch"));
    assertThat(r.status()).isEqualTo(201);
    JsonNode task = r.json().path("task");
    assertThat(r.json().path("created").asBoolean()).isTrue();
    assertThat(task.path("created_by").asText()).isEqualTo("alice");
    assertThat(task.path("priority").asInt()).isEqualTo(5);
    assertThat(task.path("tenant").asText()).isEqualTo("acme");
    assertThat(task.path("max_runtime_ms").asLong()).isEqualTo(60_000);
    var local = board.show(task.path("id").asText(), 0).view();
    assertThat(task).isEqualTo(cli(Documents.task(local)));
  }

  @Test
  void aMatchingIdempotencyKeyAnswers200WithTheExistingTask() {
    Map<String, Object> body = Map.of("title", "nightly", "idempotency_key", "report-1", "dedupe_scope", "lifetime");
    String first = admin.post(TASKS, body).json().path("task").path("id").asText();
    TestHttp.Reply again = admin.post(TASKS, body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("created").asBoolean()).isFalse();
    assertThat(again.json().path("task").path("id").asText()).isEqualTo(first);
  }

  @Test
  void createHonoursParentsTriageAndSchedule() {
    String parent = create("parent");
    JsonNode child = admin.post(TASKS, Map.of("title", "child", "parents", List.of(parent))).json().path("task");
    assertThat(child.path("status").asText()).isEqualTo("todo");
    assertThat(child.path("parents").get(0).asText()).isEqualTo(parent);
    assertThat(admin.post(TASKS, Map.of("title", "idea", "triage", true)).json().path("task").path("status").asText())
        .isEqualTo("triage");
    long later = gateway.home.clock.now() + 3_600_000;
    assertThat(admin.post(TASKS, Map.of("title", "later", "scheduled_at", later)).json().path("task").path("status").asText())
        .isEqualTo("scheduled");
  }

  @Test
  void listFiltersAndAnswersTheListDocument() {
    create("a");
    String b = create("b");
    admin.post(TASKS + "/" + b + "/block", Map.of("reason", "waiting"));
    TestHttp.Reply ready = admin.get(TASKS + "?status=ready&limit=10&sort=created");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json()).isEqualTo(cli(Documents.list("default", board.list(
        new TaskQuery(java.util.Set.of(org.agentkanban.domain.Status.READY), null, null, false, 10,
            org.agentkanban.store.TaskSort.CREATED)))));
    assertThat(ready.json().path("count").asInt()).isEqualTo(1);
    assertThat(admin.get(TASKS + "?status=ready,blocked").json().path("count").asInt()).isEqualTo(2);
    assertThat(admin.get(TASKS + "?status=ready&status=blocked").json().path("count").asInt()).isEqualTo(2);
    assertThat(admin.get(TASKS + "?assignee=nobody").json().path("count").asInt()).isZero();
  }

  @Test
  void showAnswersTheDetailDocumentWithCommentsRunsEventsAndAttachments() throws Exception {
    String id = create("shown");
    admin.post(TASKS + "/" + id + "/comments", Map.of("body", "note"));
    admin.postBytes(TASKS + "/" + id + "/attachments?name=notes.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain");
    JsonNode shown = admin.get(TASKS + "/" + id + "?events=5").json();
    var d = board.show(id, 5);
    JsonNode expected = cli(Documents.detail(d, a -> gateway.home.root.resolve("boards/default/attachments")
        .resolve(a.taskId()).resolve(a.storedName()).toString()));
    assertThat(shown).isEqualTo(expected);
    assertThat(shown.path("comments").get(0).path("author").asText()).isEqualTo("alice");
    assertThat(shown.path("attachments").get(0).path("path").asText()).startsWith(gateway.home.root.toString());
  }

  @Test
  void contextAnswersTheWorkerContextDocument() {
    String id = create("with context");
    JsonNode doc = admin.get(TASKS + "/" + id + "/context").json();
    assertThat(doc).isEqualTo(cli(Documents.context(id, board.context(id))));
    assertThat(doc.path("context").asText()).contains("with context");
  }

  @Test
  void editChangesFieldsAndClearsTheRuntimeLimit() {
    String id = admin.post(TASKS, Map.of("title", "old", "max_runtime_ms", 1000)).json().path("task").path("id").asText();
    JsonNode edited = admin.patch(TASKS + "/" + id, "{\"title\": \"new\", \"priority\": 7, \"clear_max_runtime\": true}").json();
    assertThat(edited.path("title").asText()).isEqualTo("new");
    assertThat(edited.path("priority").asInt()).isEqualTo(7);
    assertThat(edited.path("max_runtime_ms").isNull()).isTrue();
    assertThat(edited).isEqualTo(cli(Documents.task(board.show(id, 0).view())));
  }

  @Test
  void assignSetsAndClearsTheAssignee() {
    String id = create("assign me");
    assertThat(admin.post(TASKS + "/" + id + "/assign", Map.of("assignee", "coder")).json().path("assignee").asText())
        .isEqualTo("coder");
    assertThat(admin.post(TASKS + "/" + id + "/assign", "{\"assignee\": null}").json().path("assignee").isNull()).isTrue();
  }

  @Test
  void linkAndUnlinkAnswerTheChild() {
    String parent = create("parent");
    String child = create("child");
    JsonNode linked = admin.post("/api/v1/boards/default/links", Map.of("parent", parent, "child", child)).json();
    assertThat(linked.path("id").asText()).isEqualTo(child);
    assertThat(linked.path("status").asText()).isEqualTo("todo");
    JsonNode unlinked = admin.delete("/api/v1/boards/default/links/" + parent + "/" + child).json();
    assertThat(unlinked.path("status").asText()).isEqualTo("ready");
    assertThat(unlinked.path("parents")).isEmpty();
  }

  @Test
  void commentAnswers201WithTheComment() {
    String id = create("discuss");
    TestHttp.Reply r = admin.post(TASKS + "/" + id + "/comments", Map.of("body", "looks good"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().path("body").asText()).isEqualTo("looks good");
    assertThat(r.json().path("task_id").asText()).isEqualTo(id);
  }

  @Test
  void runsAnswersTheRunsDocument() {
    String id = create("run me");
    admin.post(TASKS + "/" + id + "/claim", "{}");
    JsonNode runs = admin.get(TASKS + "/" + id + "/runs").json();
    assertThat(runs).isEqualTo(cli(Documents.runs(id, board.runs(id))));
    assertThat(runs.path("runs")).hasSize(1);
  }

  @Test
  void deleteRemovesAnArchivedTask() {
    String id = create("old");
    admin.post(TASKS + "/" + id + "/archive", "{\"reason\": \"superseded\"}");
    TestHttp.Reply r = admin.delete(TASKS + "/" + id);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("deleted").asBoolean()).isTrue();
    assertThat(admin.get(TASKS + "/" + id).status()).isEqualTo(404);
  }

  @Test
  void attachmentsAreUploadedListedAndRemoved() {
    String id = create("files");
    TestHttp.Reply up = admin.postBytes(TASKS + "/" + id + "/attachments?name=report.md", "# hi".getBytes(StandardCharsets.UTF_8), null);
    assertThat(up.status()).isEqualTo(201);
    assertThat(up.json().path("content_type").asText()).isEqualTo("text/markdown");
    assertThat(up.json().path("size").asLong()).isEqualTo(4);
    assertThat(up.json().path("uploaded_by").asText()).isEqualTo("alice");
    JsonNode list = admin.get(TASKS + "/" + id + "/attachments").json();
    assertThat(list.path("attachments")).hasSize(1);
    assertThat(Path.of(list.path("attachments").get(0).path("path").asText())).hasContent("# hi");
    long attachment = up.json().path("id").asLong();
    assertThat(admin.delete("/api/v1/boards/default/attachments/" + attachment).json().path("removed").asBoolean()).isTrue();
    assertThat(board.attachments(id)).isEmpty();
  }

  @Test
  void anUploadLargerThanAJsonBodyButUnderTheAttachmentLimitIsStored(@TempDir Path other) {
    long limit = 8L << 20;
    try (TestGateway big = new TestGateway(new org.agentkanban.testkit.TempHome(other), limit)) {
      TestHttp http = big.admin();
      String id = http.post(TASKS, Map.of("title", "big file")).json().path("task").path("id").asText();
      byte[] bytes = new byte[(int) ApiServer.MAX_JSON_BODY_BYTES + 4096];
      TestHttp.Reply up = http.postBytes(TASKS + "/" + id + "/attachments?name=big.bin", bytes, "application/octet-stream");
      assertThat(up.status()).as(up.toString()).isEqualTo(201);
      assertThat(up.json().path("size").asLong()).isEqualTo(bytes.length);
    }
  }

  @Test
  void theRequestsOfAnotherBoardStayOnIt() {
    gateway.home.board("research").close();
    admin.post("/api/v1/boards/research/tasks", Map.of("title", "elsewhere"));
    assertThat(admin.get("/api/v1/boards/research/tasks").json().path("board").asText()).isEqualTo("research");
    assertThat(admin.get("/api/v1/boards/research/tasks").json().path("count").asInt()).isEqualTo(1);
    assertThat(board.list(TaskQuery.all())).isEmpty();
    assertThat(board.create(CreateTask.titled("local", Actor.person("x"))).created()).isTrue();
  }
}
