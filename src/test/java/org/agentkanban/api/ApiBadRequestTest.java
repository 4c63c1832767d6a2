package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.testkit.ManualClock;
import org.agentkanban.testkit.TempHome;
import org.agentkanban.service.ServiceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad request gets the right 4xx with a JSON error, and writes nothing. */
class ApiBadRequestTest {
  private static final String TASKS = "/api/v1/boards/default/tasks";
  private static final int UPLOAD_LIMIT = 1024;
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;
  private LocalBoardService board;
  private String task;
  private int eventsBefore;

  @BeforeEach
  void start() {
    gateway = new TestGateway(new TempHome(dir, new ManualClock(), ServiceSettings.defaults(), true), UPLOAD_LIMIT);
    admin = gateway.admin();
    board = gateway.local("default");
    task = admin.post(TASKS, Map.of("title", "existing")).json().path("task").path("id").asText();
    eventsBefore = eventCount();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private int eventCount() {
    return board.events(0, null, 10_000).size();
  }

  private void assertError(TestHttp.Reply r, int status, String code, String messagePart) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
    assertThat(r.errorMessage()).contains(messagePart).doesNotContain("Exception", "\tat ");
    assertThat(eventCount()).as("nothing was written").isEqualTo(eventsBefore);
  }

  @ParameterizedTest(name = "{0} is refused with 400")
  @CsvSource(delimiter = '|', value = {
      "malformed JSON|{\"title\": \"x\"|not valid JSON",
      "an unknown field|{\"title\": \"x\", \"prio\": 1}|unknown field 'prio'",
      "a wrong type|{\"title\": \"x\", \"priority\": \"high\"}|field 'priority' must be a whole number",
      "an array for an object|[1, 2]|must be a JSON object",
      "a string for a list|{\"title\": \"x\", \"parents\": \"t_aaaa\"}|field 'parents' must be an array",
      "a missing title|{\"body\": \"no title\"}|title",
      "an empty body|' '|request body is empty",
      "a bad dedupe scope|{\"title\": \"x\", \"idempotency_key\": \"k\", \"dedupe_scope\": \"forever\"}|forever",
      "a bad workspace|{\"title\": \"x\", \"workspace\": \"dir:relative\"}|must be absolute",
      "a bad parent id|{\"title\": \"x\", \"parents\": [\"nope\"]}|not a task id",
      "a priority out of range|{\"title\": \"x\", \"priority\": 5000}|priority"})
  void badCreateBodies(String what, String body, String message) {
    assertError(admin.post(TASKS, body), 400, "invalid_input", message);
  }

  @ParameterizedTest(name = "GET {0} is refused with 400")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/boards/default/tasks?status=bogus|unknown status 'bogus'",
      "/api/v1/boards/default/tasks?limit=0|limit",
      "/api/v1/boards/default/tasks?limit=ten|limit",
      "/api/v1/boards/default/tasks?sort=sideways|unknown sort",
      "/api/v1/boards/default/tasks?archived=maybe|archived",
      "/api/v1/boards/default/events?after=-1|after",
      "/api/v1/boards/default/events?task=x|not a task id",
      "/api/v1/boards/Bad_Slug/tasks|bad board name",
      "/api/v1/boards/default/tasks/not-an-id|not a task id"})
  void badQueriesAndPaths(String path, String message) {
    assertError(admin.get(path), 400, "invalid_input", message);
  }

  @Test
  void anUnknownBoardIs404() {
    assertError(admin.get("/api/v1/boards/nowhere/tasks"), 404, "not_found", "board 'nowhere'");
    assertError(admin.post("/api/v1/boards/nowhere/tasks", Map.of("title", "x")), 404, "not_found", "nowhere");
    assertThat(Files.exists(gateway.home.root.resolve("boards/nowhere"))).isFalse();
  }

  @Test
  void anUnknownTaskIs404() {
    assertError(admin.get(TASKS + "/t_zzzzzzzzzz"), 404, "not_found", "no task t_zzzzzzzzzz");
    assertError(admin.post(TASKS + "/t_zzzzzzzzzz/complete", ""), 404, "not_found", "t_zzzzzzzzzz");
    assertError(admin.delete("/api/v1/boards/default/attachments/99"), 404, "not_found", "attachment 99");
  }

  @Test
  void anUnknownRouteIs404() {
    assertError(admin.get("/api/v1/nothing"), 404, "not_found", "no route GET /api/v1/nothing");
    assertError(admin.send("PUT", TASKS, java.net.http.HttpRequest.BodyPublishers.noBody(), null), 404, "not_found", "PUT");
  }

  @Test
  void aRefusedTransitionIs422() {
    assertError(admin.post(TASKS + "/" + task + "/unblock", ""), 422, "refused", task);
    assertError(admin.post("/api/v1/boards/default/links", Map.of("parent", task, "child", task)), 422, "refused", "itself");
    assertError(admin.delete("/api/v1/boards/default"), 422, "refused", "default");
  }

  @Test
  void anOversizeUploadIs413AndNothingIsStored() {
    assertError(admin.postBytes(TASKS + "/" + task + "/attachments?name=big.bin", new byte[UPLOAD_LIMIT + 1], null),
        413, "too_large", "limit of " + UPLOAD_LIMIT);
    assertThat(board.attachments(task)).isEmpty();
    assertThat(gateway.home.root.resolve("boards/default/attachments/" + task)).doesNotExist();
  }

  @Test
  void anOversizeUploadWithoutContentLengthIs413() throws IOException {
    String head = "POST " + TASKS + "/" + task + "/attachments?name=big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + gateway.adminToken + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    String chunk = Integer.toHexString(UPLOAD_LIMIT * 2) + "\r\n" + "x".repeat(UPLOAD_LIMIT * 2) + "\r\n0\r\n\r\n";
    assertThat(raw(head + chunk)).startsWith("HTTP/1.1 413").contains("\"too_large\"");
    assertThat(board.attachments(task)).isEmpty();
  }

  @Test
  void anOversizeJsonBodyIs413() {
    String huge = "{\"title\": \"x\", \"body\": \"" + "a".repeat((int) ApiServer.MAX_JSON_BODY_BYTES) + "\"}";
    assertError(admin.post(TASKS, huge), 413, "too_large", "too large");
  }

  @ParameterizedTest(name = "attachment name {0} is refused with 400")
  @CsvSource({"..%2F..%2Fetc%2Fpasswd", "..", "a%2Fb", ".hidden", "%2Fabs"})
  void traversalInAnAttachmentNameIs400(String name) {
    assertError(admin.postBytes(TASKS + "/" + task + "/attachments?name=" + name, "x".getBytes(StandardCharsets.UTF_8), null),
        400, "invalid_input", "attachment name");
    assertThat(board.attachments(task)).isEmpty();
    assertThat(gateway.home.root.resolve("boards/default/attachments/" + task)).doesNotExist();
  }

  @Test
  void anUploadNeedsAName() {
    assertError(admin.postBytes(TASKS + "/" + task + "/attachments", "x".getBytes(StandardCharsets.UTF_8), null),
        400, "invalid_input", "name is required");
  }

  @Test
  void scheduleNeedsATime() {
    assertError(admin.post(TASKS + "/" + task + "/schedule", "{\"reason\": \"later\"}"), 400, "invalid_input", "at is required");
  }

  @Test
  void badMetadataIs400() {
    admin.post(TASKS + "/" + task + "/claim", "");
    int before = eventCount();
    TestHttp.Reply r = admin.post(TASKS + "/" + task + "/complete", "{\"metadata\": [1]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("metadata");
    assertThat(eventCount()).isEqualTo(before);
  }

  @Test
  void aMalformedRequestLineIsAJsonErrorNotAnHtmlPage() throws IOException {
    String answer = raw("GET /api/v1/boards/default/tasks/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json").contains("\"error\"").doesNotContain("<html");
  }

  @Test
  void aRequestJettyCannotParseIsAJsonError() throws IOException {
    String answer = raw("GARBAGE\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json").contains("\"error\"").doesNotContain("<html");
  }

  @Test
  void anUnexpectedFailureIs500WithAJsonErrorAndNoStackTrace() {
    gateway.health = null;
    TestHttp.Reply r = gateway.anonymous().get("/api/v1/health");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.errorCode()).isEqualTo("internal");
    assertThat(r.errorMessage()).doesNotContain("\tat ").contains("gateway log");
  }

  private String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", gateway.server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
