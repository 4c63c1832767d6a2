package org.agentkanban.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Status;
import org.agentkanban.gateway.HostIdentity;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a real process picks a live gateway from {@code gateway.json} (this test JVM plays the
 * gateway: its own pid and start time are alive), falls back to the files when the file is stale,
 * and inside a worker needs nothing but the worker's environment.
 */
class CliThroughGatewayTest {
  @TempDir Path served;
  @TempDir Path plain;
  private TestGateway gateway;
  private KanbanCli cli;

  @BeforeEach
  void start() {
    gateway = new TestGateway(served);
    writeGatewayFile(ProcessHandle.current(), gateway.server.port());
    cli = new KanbanCli(served);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private void writeGatewayFile(ProcessHandle process, int port) {
    writeGatewayFile(process.pid(), process.info().startInstant().orElseThrow().toEpochMilli(), port);
  }

  private void writeGatewayFile(long pid, long started, int port) {
    new GatewayFile(pid, started, HostIdentity.current(), "127.0.0.1", port, gateway.adminToken,
        System.currentTimeMillis(), "test").write(new KanbanHome(served).gatewayFile());
  }

  private static KanbanCli.Result ok(KanbanCli.Result r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void listCreateAndCompleteGoThroughTheGatewayAndPrintWhatTheLocalPathPrints() {
    double before = gateway.requests();
    JsonNode created = ok(cli.run("create", "Fetch the data", "--assignee", "fetcher", "--priority", "3", "--json")).json();
    String id = created.path("task").path("id").asText();
    assertThat(gateway.requests()).isGreaterThan(before);
    assertThat(gateway.local("default").show(id, 0).view().task().createdBy()).isEqualTo("tester");
    JsonNode listed = ok(cli.run("list", "--json")).json();
    JsonNode done = ok(cli.run("complete", id, "--summary", "fetched", "--json")).json();
    assertThat(gateway.local("default").show(id, 0).view().task().status()).isEqualTo(Status.DONE);

    KanbanCli direct = new KanbanCli(plain);
    JsonNode createdHere = ok(direct.run("create", "Fetch the data", "--assignee", "fetcher", "--priority", "3", "--json")).json();
    String here = createdHere.path("task").path("id").asText();
    assertThat(normalized(created)).isEqualTo(normalized(createdHere));
    assertThat(normalized(listed)).isEqualTo(normalized(ok(direct.run("list", "--json")).json()));
    assertThat(normalized(done)).isEqualTo(normalized(ok(direct.run("complete", here, "--summary", "fetched", "--json")).json()));
  }

  @Test
  void errorsThroughTheGatewayExitAsTheyDoLocally() {
    KanbanCli.Result missing = cli.run("show", "t_zzzzzzzzzz", "--json");
    assertThat(missing.exit()).isEqualTo(3);
    assertThat(missing.json().path("error").path("code").asText()).isEqualTo("not_found");
    String id = ok(cli.run("create", "x", "--json")).json().path("task").path("id").asText();
    KanbanCli.Result refused = cli.run("unblock", id);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains(id);
  }

  @Test
  void aStaleGatewayFileFallsBackToTheBoardFiles() throws Exception {
    Process gone = new ProcessBuilder("cat").start();
    long started = gone.toHandle().info().startInstant().orElseThrow().toEpochMilli();
    gone.getOutputStream().close();
    gone.waitFor();
    writeGatewayFile(gone.pid(), started, gateway.server.port());
    double before = gateway.requests();
    ok(cli.run("create", "while the gateway is gone"));
    assertThat(gateway.requests()).isEqualTo(before);

    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    writeGatewayFile(ProcessHandle.current(), closedPort);
    ok(cli.run("create", "port closed"));
    assertThat(gateway.requests()).isEqualTo(before);
    assertThat(ok(cli.run("list", "--json")).json().path("count").asInt()).isEqualTo(2);
  }

  @Test
  void boardsRmGoesThroughALiveGateway() {
    ok(cli.run("boards", "create", "scratch"));
    ok(cli.run("create", "on scratch", "--board", "scratch"));
    double before = gateway.requests();
    JsonNode removed = ok(cli.run("boards", "rm", "scratch", "--json")).json();
    assertThat(gateway.requests()).isGreaterThan(before);
    assertThat(Path.of(removed.path("archived_to").asText())).isDirectory();
    assertThat(served.resolve("boards/scratch")).doesNotExist();
  }

  @Test
  void aWorkerNeedsOnlyItsEnvironmentToReportOnItsTask() throws Exception {
    var admin = gateway.admin();
    String own = admin.post("/api/v1/boards/default/tasks", Map.of("title", "worker task", "assignee", "coder"))
        .json().path("task").path("id").asText();
    String other = admin.post("/api/v1/boards/default/tasks", Map.of("title", "other")).json().path("task").path("id").asText();
    JsonNode claim = admin.post("/api/v1/boards/default/tasks/" + own + "/claim", "").json();
    Path noHome = plain.resolve("no-home");
    KanbanCli worker = worker(claim, own, noHome);

    ok(worker.run("heartbeat", "--note", "starting"));
    ok(worker.run("comment", "half way"));
    String followUp = ok(worker.run("create", "follow-up", "--json")).json().path("task").path("id").asText();
    ok(worker.run("link", other, followUp));
    ok(worker.run("comment", other, "found something here"));
    JsonNode done = ok(worker.run("complete", "--summary", "all done", "--json")).json();
    assertThat(done.path("results").get(0).path("task").path("status").asText()).isEqualTo("done");

    var board = gateway.local("default");
    assertThat(board.show(own, 0).view().task().status()).isEqualTo(Status.DONE);
    assertThat(board.show(followUp, 0).view().task().createdBy()).isEqualTo("coder");
    assertThat(board.show(followUp, 0).view().parents()).containsExactly(other);
    assertThat(Files.exists(noHome)).as("the worker never touched a home directory").isFalse();
  }

  @Test
  void aWorkerRequestsReview() {
    var admin = gateway.admin();
    String own = admin.post("/api/v1/boards/default/tasks", Map.of("title", "review me")).json().path("task").path("id").asText();
    JsonNode claim = admin.post("/api/v1/boards/default/tasks/" + own + "/claim", "").json();
    ok(worker(claim, own, plain.resolve("no-home")).run("request-review", "--summary", "PR 7"));
    assertThat(gateway.local("default").show(own, 0).view().task().status()).isEqualTo(Status.REVIEW);
  }

  @Test
  void aWorkerWhoseRunWasReclaimedExitsWith4() {
    var admin = gateway.admin();
    String own = admin.post("/api/v1/boards/default/tasks", Map.of("title", "stale")).json().path("task").path("id").asText();
    JsonNode claim = admin.post("/api/v1/boards/default/tasks/" + own + "/claim", "").json();
    admin.post("/api/v1/boards/default/tasks/" + own + "/reclaim", "{\"reason\": \"stuck\"}");
    KanbanCli.Result late = worker(claim, own, plain.resolve("no-home")).run("complete", "--summary", "late");
    assertThat(late.exit()).as(late.toString()).isEqualTo(4);
    assertThat(late.err()).contains("no longer the current run");
    var board = gateway.local("default");
    assertThat(board.show(own, 0).view().task().status()).isEqualTo(Status.READY);
    assertThat(board.events(0, own, 100)).anyMatch(e -> e.kind() == EventKind.STALE_WRITE_REJECTED);
  }

  /** A worker's CLI: the gateway's URL, its run token, run, task and board, and no KANBAN_HOME. */
  private KanbanCli worker(JsonNode claim, String task, Path home) {
    return new KanbanCli(plain).env("KANBAN_HOME", null).env("HOME", home.toString())
        .env("KANBAN_URL", gateway.url()).env("KANBAN_RUN_TOKEN", claim.path("run_token").asText())
        .env("KANBAN_RUN", claim.path("run").path("id").asText()).env("KANBAN_TASK", task).env("KANBAN_BOARD", "default");
  }

  /** A document with the parts that differ between two boards (ids, times, paths) blanked out. */
  private static JsonNode normalized(JsonNode doc) {
    JsonNode copy = doc.deepCopy();
    blank(copy);
    return copy;
  }

  private static void blank(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (String k : java.util.List.copyOf(o.properties().stream().map(Map.Entry::getKey).toList())) {
        if (k.equals("id") || k.endsWith("_at") || k.endsWith("_id") || k.equals("now") || k.equals("path")) {
          o.put(k, "*");
        } else {
          blank(o.get(k));
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual() && a.get(i).asText().startsWith("t_")) {
          a.set(i, Json.mapper().getNodeFactory().textNode("*"));
        } else {
          blank(a.get(i));
        }
      }
    }
  }
}
