package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.ok;
import static org.agentkanban.cli.CliChecks.taskDocument;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moving tasks through their statuses from the command line, each verb as a real process. */
class CliLifecycleTest {
  @TempDir Path home;

  @Test
  void aNewcomerTourMovesTasksThroughEveryStatus() {
    KanbanCli cli = new KanbanCli(home);
    assertThat(ok(cli.run("init")).out()).contains("Created board 'default'");

    String fetch = CliChecks.create(cli, "Fetch the data", "--assignee", "fetcher");
    String summarize = CliChecks.create(cli, "Summarize it", "--parent", fetch);
    String idea = CliChecks.create(cli, "Maybe chart it", "--triage");
    String later = CliChecks.create(cli, "Send the report", "--at", "+1h");
    assertThat(ok(cli.run("list")).out().lines().skip(1).map(l -> l.split("\\s+")[0] + " " + l.split("\\s+")[1]))
        .containsExactlyInAnyOrder(fetch + " ready", summarize + " todo", idea + " triage", later + " scheduled");

    assertThat(ok(cli.run("claim", fetch)).out()).contains("Claimed " + fetch + " as run ");
    assertThat(ok(cli.run("heartbeat", fetch, "--note", "halfway")).out()).contains(fetch + "  heartbeat recorded");
    assertThat(ok(cli.run("complete", fetch, "--summary", "fetched 120 rows")).out()).isEqualTo(fetch + "  done\n");
    assertThat(ok(cli.run("show", summarize)).out()).as("released by its finished parent")
        .contains("status     ready").contains("parent     " + fetch + " (done) Fetch the data");

    assertThat(ok(cli.run("promote", idea)).out()).isEqualTo(idea + "  ready\n");
    assertThat(ok(cli.run("block", summarize, "needs", "the", "API", "key", "--kind", "needs_input")).out())
        .isEqualTo(summarize + "  blocked  (needs the API key)\n");
    assertThat(ok(cli.run("unblock", summarize, "the key is in the vault")).out()).isEqualTo(summarize + "  ready\n");
    ok(cli.run("claim", summarize, "--ttl", "30m"));
    assertThat(ok(cli.run("request-review", summarize, "--summary", "please check")).out())
        .isEqualTo(summarize + "  review\n");
    assertThat(ok(cli.run("archive", later, "not needed")).out()).isEqualTo(later + "  archived\n");

    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT id, status FROM tasks"))
        .extracting(row -> row.get("id") + " " + row.get("status"))
        .containsExactlyInAnyOrder(fetch + " done", summarize + " review", idea + " ready", later + " archived");
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT outcome FROM runs ORDER BY id"))
        .extracting(row -> row.get("outcome")).containsExactly("completed", "review_requested");
  }

  @Test
  void completeRecordsTheSummaryAndMetadataOnTheRun() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String t = id(setup.run("create", "tests", "--json"));
    ok(setup.run("claim", t));

    JsonNode results = ok(cli.run("complete", t, "--summary", "all green", "--metadata", "{\"tests\":\"42 passed\"}",
        "--json")).json().get("results");

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.get("id").asText()).isEqualTo(t);
      assertThat(r.get("ok").asBoolean()).isTrue();
      assertThat(taskDocument(r.get("task")).get("status").asText()).isEqualTo("done");
      assertThat(r.at("/task/completed_at").asLong()).isPositive();
    });
    JsonNode run = ok(cli.run("runs", t, "--json")).json().get("runs").get(0);
    assertThat(run.get("outcome").asText()).isEqualTo("completed");
    assertThat(run.get("summary").asText()).isEqualTo("all green");
    assertThat(run.at("/metadata/tests").asText()).isEqualTo("42 passed");
    assertThat(ok(cli.run("runs", t)).out()).matches("(?s)#\\d+\\s+completed\\s+.*all green\\R");
  }

  @Test
  void severalIdsAreReportedOneByOneAndTheExitCodeSaysIfAnyFailed() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String parent = id(setup.run("create", "parent", "--json"));
    String a = id(setup.run("create", "a", "--json"));
    String waiting = id(setup.run("create", "waiting", "--parent", parent, "--json"));
    String c = id(setup.run("create", "c", "--json"));

    KanbanCli.Result text = cli.run("complete", a, waiting, c);
    assertThat(text.exit()).as(text.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(text.out()).isEqualTo(a + "  done\n" + c + "  done\n");
    assertThat(text.err().lines()).singleElement()
        .satisfies(l -> assertThat(l).startsWith("kanban: cannot complete " + waiting));

    String d = id(setup.run("create", "d", "--json"));
    KanbanCli.Result json = cli.run("complete", d, waiting, "--json");
    assertThat(json.exit()).isEqualTo(ExitCode.FAILED);
    JsonNode results = json.json().get("results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get("id").asText()).isEqualTo(d);
    assertThat(results.get(0).get("ok").asBoolean()).isTrue();
    assertThat(results.get(0).at("/task/status").asText()).isEqualTo("done");
    assertThat(results.get(1).get("id").asText()).isEqualTo(waiting);
    assertThat(results.get(1).get("ok").asBoolean()).isFalse();
    assertThat(results.get(1).at("/error/code").asText()).isEqualTo("refused");
    assertThat(results.get(1).at("/error/message").asText()).contains(waiting);

    KanbanCli.Result missing = cli.run("complete", "t_missing001", "t_missing002");
    assertThat(missing.exit()).as("all failures not found").isEqualTo(ExitCode.NOT_FOUND);
    assertThat(missing.err().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("kanban: no task t_missing00"));
  }

  @Test
  void aReviewerSendsWorkBackWithRequestChangesOrReopenReview() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String t = id(setup.run("create", "parser", "--assignee", "coder", "--json"));
    ok(setup.run("claim", t));
    ok(setup.run("request-review", t, "--reviewer", "qa", "--summary", "PR #12"));

    JsonNode claimed = ok(cli.run("claim", t, "--json")).json();
    assertThat(claimed.at("/run/lane").asText()).isEqualTo("review");
    assertThat(ok(cli.run("request-changes", t, "the v1 path is untested")).out()).isEqualTo(t + "  ready\n");
    JsonNode shown = CliChecks.show(cli, t);
    assertThat(shown.get("assignee").asText()).as("back to the implementer").isEqualTo("coder");

    ok(setup.run("claim", t));
    ok(setup.run("request-review", t));
    assertThat(ok(cli.run("reopen-review", t, "--reason", "v1 still untested")).out()).isEqualTo(t + "  ready\n");
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT body FROM comments WHERE task_id = ? ORDER BY id", t))
        .extracting(row -> row.get("body"))
        .containsExactly("CHANGES REQUESTED: the v1 path is untested", "CHANGES REQUESTED: v1 still untested");
  }

  @Test
  void scheduledTasksWakeAndExpiredLeasesAreReleasedByTick() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String parked = id(setup.run("create", "parked", "--json"));
    String leased = id(setup.run("create", "leased", "--json"));

    assertThat(ok(cli.run("schedule", parked, "--at", "+5s", "rate", "limited")).out()).isEqualTo(parked + "  scheduled\n");
    JsonNode claim = ok(cli.run("claim", leased, "--ttl", "1s", "--json")).json();
    assertThat(claim.at("/run/lease_ttl_ms").asLong()).isEqualTo(1000);
    assertThat(claim.get("run_token").asText()).isNotBlank();

    List<String> woken = new ArrayList<>();
    List<String> released = new ArrayList<>();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      JsonNode tick = ok(cli.run("tick", "--json")).json();
      tick.get("woken").forEach(n -> woken.add(n.asText()));
      tick.get("released").forEach(n -> released.add(n.asText()));
      return !woken.isEmpty() && !released.isEmpty();
    });

    assertThat(woken).containsExactly(parked);
    assertThat(released).containsExactly(leased);
    assertThat(statuses(setup)).containsEntry(parked, "ready").containsEntry(leased, "ready");
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT outcome FROM runs WHERE task_id = ?", leased))
        .extracting(row -> row.get("outcome")).containsExactly("reclaimed");
    assertThat(ok(cli.run("tick")).out()).isEqualTo("Woke 0 scheduled task(s), released 0 expired lease(s).\n");
  }

  @Test
  void reclaimReleasesARunningTaskAndArchiveRmDeletesOnlyArchivedTasks() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String stuck = id(setup.run("create", "stuck", "--json"));
    String old = id(setup.run("create", "old", "--json"));
    ok(setup.run("claim", stuck));
    ok(setup.run("archive", old));

    assertThat(ok(cli.run("reclaim", stuck, "worker", "is", "stuck")).out()).isEqualTo(stuck + "  ready\n");
    assertThat(ok(cli.run("runs", stuck, "--json")).json().at("/runs/0/outcome").asText()).isEqualTo("reclaimed");

    KanbanCli.Result rm = cli.run("archive", "--rm", old, stuck, "--json");
    assertThat(rm.exit()).as(rm.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(rm.json().get("results")).extracting(r -> r.get("id").asText() + " " + r.get("ok").asBoolean())
        .containsExactly(old + " true", stuck + " false");
    Path db = BoardDb.file(home);
    assertThat(BoardDb.scalar(db, "SELECT count(*) FROM tasks WHERE id = ?", old)).isZero();
    assertThat(BoardDb.scalar(db, "SELECT count(*) FROM events WHERE task_id = ?", old)).isZero();
    assertThat(BoardDb.scalar(db, "SELECT count(*) FROM tasks WHERE id = ?", stuck)).isEqualTo(1);
  }

  @Test
  void statsAndGcReportOnTheWholeBoard() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    String done = id(setup.run("create", "done one", "--assignee", "coder", "--json"));
    id(setup.run("create", "open one", "--assignee", "coder", "--json"));
    ok(setup.run("claim", done));
    ok(setup.run("complete", done));

    JsonNode stats = ok(cli.run("stats", "--json")).json();
    assertThat(stats.get("board").asText()).isEqualTo("default");
    assertThat(stats.at("/by_status/ready").asInt()).isEqualTo(1);
    assertThat(stats.at("/by_status/done").asInt()).isEqualTo(1);
    assertThat(stats.at("/by_assignee/coder").asInt()).isEqualTo(2);
    assertThat(stats.at("/runs_by_outcome/completed").asInt()).isEqualTo(1);
    assertThat(stats.get("events").asLong()).isPositive();
    assertThat(ok(cli.run("stats")).out()).contains("Board default").contains("Runs by outcome:").contains("completed");

    JsonNode gc = ok(cli.run("gc", "--event-retention", "1d", "--json")).json();
    assertThat(gc.get("events_deleted").asLong()).as("nothing is a day old").isZero();
    assertThat(gc.has("log_files_deleted")).isTrue();
  }

  private static String id(KanbanCli.Result created) {
    return ok(created).json().at("/task/id").asText();
  }

  private static Map<String, String> statuses(InProcessCli cli) {
    return statuses(ok(cli.run("list", "--archived", "--json")).json());
  }

  private static Map<String, String> statuses(JsonNode list) {
    List<JsonNode> tasks = list.get("tasks").findParents("status");
    return tasks.stream().collect(java.util.stream.Collectors.toMap(t -> t.get("id").asText(), t -> t.get("status").asText()));
  }
}
