package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.failsCleanly;
import static org.agentkanban.cli.CliChecks.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's CLI calls: the task and run come from {@code KANBAN_TASK}, {@code KANBAN_RUN} and
 * {@code KANBAN_RUN_TOKEN}, and a run that is no longer current cannot write (fencing).
 */
class CliWorkerEnvironmentTest {
  @TempDir Path home;

  private KanbanCli person;
  private String task;

  @BeforeEach
  void aReadyTask() {
    person = new KanbanCli(home);
    task = ok(new InProcessCli(home).run("create", "parse the logs", "--json")).json().at("/task/id").asText();
  }

  @Test
  void aWorkerHeartbeatsAndCompletesItsOwnTaskWithoutNamingIt() {
    Claim claim = claim();
    KanbanCli worker = worker(claim.runId(), claim.token());

    assertThat(ok(worker.run("heartbeat", "--note", "half way")).out()).contains(task + "  heartbeat recorded (run " + claim.runId() + ")");
    assertThat(ok(worker.run("complete", "--summary", "parsed 3 files")).out()).isEqualTo(task + "  done\n");

    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT id, outcome, summary FROM runs WHERE task_id = ?", task))
        .singleElement().satisfies(run -> {
          assertThat(((Number) run.get("id")).longValue()).isEqualTo(claim.runId());
          assertThat(run.get("outcome")).isEqualTo("completed");
          assertThat(run.get("summary")).isEqualTo("parsed 3 files");
        });
  }

  @Test
  void aReclaimedWorkersLateWritesAreRejectedAndRecordedWhileTheNewRunGoesOn() {
    Claim first = claim();
    ok(person.run("reclaim", task, "worker", "went", "quiet"));
    Claim second = claim();
    assertThat(second.runId()).isNotEqualTo(first.runId());

    KanbanCli late = worker(first.runId(), first.token());
    KanbanCli.Result rejected = failsCleanly(late.run("complete", "--summary", "late result"), ExitCode.CONFLICT);
    assertThat(rejected.err()).contains("run " + first.runId() + " is no longer the current run of " + task);
    failsCleanly(worker(second.runId(), "kr_not-the-token").run("heartbeat"), ExitCode.CONFLICT);

    JsonNode events = ok(person.run("events", "--task", task, "--json")).json().get("events");
    assertThat(events).filteredOn(e -> e.get("kind").asText().equals("stale_write_rejected"))
        .hasSize(2)
        .first().satisfies(e -> {
          assertThat(e.get("run_id").asLong()).isEqualTo(first.runId());
          assertThat(e.at("/payload/verb").asText()).isEqualTo("complete");
          assertThat(e.at("/payload/current_run_id").asLong()).isEqualTo(second.runId());
        });
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT status, current_run_id FROM tasks WHERE id = ?", task))
        .singleElement().satisfies(row -> {
          assertThat(row.get("status")).isEqualTo("running");
          assertThat(((Number) row.get("current_run_id")).longValue()).isEqualTo(second.runId());
        });

    ok(worker(second.runId(), second.token()).run("complete", "--summary", "on time"));
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT outcome, coalesce(summary, error) AS text FROM runs WHERE task_id = ? ORDER BY id", task))
        .extracting(run -> run.get("outcome") + ": " + run.get("text"))
        .containsExactly("reclaimed: worker went quiet", "completed: on time");
  }

  private record Claim(long runId, String token) {}

  private Claim claim() {
    JsonNode doc = ok(person.run("claim", task, "--json")).json();
    assertThat(doc.at("/task/status").asText()).isEqualTo("running");
    assertThat(doc.at("/task/current_run_id").asLong()).isEqualTo(doc.at("/run/id").asLong());
    return new Claim(doc.at("/run/id").asLong(), doc.get("run_token").asText());
  }

  private KanbanCli worker(long runId, String token) {
    return new KanbanCli(home)
        .env("KANBAN_TASK", task)
        .env("KANBAN_RUN", Long.toString(runId))
        .env("KANBAN_RUN_TOKEN", token)
        .env("KANBAN_ACTOR", "worker");
  }
}
