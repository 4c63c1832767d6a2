package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code kanban} processes (not threads) racing on one board: idempotent create and
 * claim must each have exactly one winner (field-failures.md §4 scenario 18).
 */
class ConcurrentProcessesTest {
  private static final int PROCESSES = 6;
  private static final int ROUNDS = 3;

  @TempDir Path home;

  @Test
  void processesCreatingWithTheSameIdempotencyKeyAtOnceGetOneTaskAndANewOneOnceItIsDone() {
    KanbanCli cli = new KanbanCli(home);
    String last = null;
    for (int round = 1; round <= ROUNDS; round++) {
      String key = "nightly-" + round;
      // The first round also races the creation of the default board on a fresh home.
      List<KanbanCli.Result> results = all(cli, "create", "nightly", "--idempotency-key", key, "--json");

      assertThat(results).as("round %d", round).allSatisfy(r -> ok(r));
      List<String> ids = results.stream().map(r -> r.json().at("/task/id").asText()).distinct().toList();
      assertThat(ids).as("round %d: task ids printed", round).hasSize(1);
      assertThat(results.stream().filter(r -> r.json().get("created").asBoolean()))
          .as("round %d: processes that created the task", round).hasSize(1);
      assertThat(BoardDb.scalar(BoardDb.file(home), "SELECT count(*) FROM tasks WHERE idempotency_key = ?", key))
          .as("round %d: tasks with the key", round).isEqualTo(1);
      last = ids.get(0);
    }
    assertThat(BoardDb.scalar(BoardDb.file(home), "SELECT count(*) FROM tasks")).isEqualTo(ROUNDS);

    // The default scope deduplicates only while the task is open: a finished nightly run recurs.
    ok(new InProcessCli(home).run("complete", last, "--summary", "ran"));
    KanbanCli.Result again = ok(cli.run("create", "nightly", "--idempotency-key", "nightly-" + ROUNDS, "--json"));
    assertThat(again.json().get("created").asBoolean()).isTrue();
    String recurred = again.json().at("/task/id").asText();
    assertThat(BoardDb.rows(BoardDb.file(home),
            "SELECT id, status FROM tasks WHERE idempotency_key = ? ORDER BY rowid", "nightly-" + ROUNDS))
        .extracting(row -> row.get("id") + " " + row.get("status"))
        .containsExactly(last + " done", recurred + " ready");
  }

  @Test
  void processesClaimingTheSameReadyTaskAtOnceHaveExactlyOneWinner() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    for (int round = 1; round <= ROUNDS; round++) {
      String id = ok(setup.run("create", "contested " + round, "--json")).json().at("/task/id").asText();

      List<KanbanCli.Result> results = all(cli, "claim", id, "--json");

      List<KanbanCli.Result> winners = results.stream().filter(r -> r.exit() == 0).toList();
      assertThat(winners).as("round %d: winners among %s", round, results).hasSize(1);
      assertThat(results.stream().filter(r -> r.exit() != 0)).as("round %d: losers", round)
          .hasSize(PROCESSES - 1)
          .allSatisfy(r -> CliChecks.failsCleanly(r, ExitCode.CONFLICT))
          .allSatisfy(r -> assertThat(r.err()).contains("cannot claim " + id).contains("running"));

      long runId = winners.get(0).json().at("/run/id").asLong();
      Path db = BoardDb.file(home);
      assertThat(BoardDb.scalar(db, "SELECT count(*) FROM runs WHERE task_id = ?", id)).isEqualTo(1);
      assertThat(BoardDb.rows(db, "SELECT status, current_run_id FROM tasks WHERE id = ?", id))
          .singleElement()
          .satisfies(row -> {
            assertThat(row.get("status")).isEqualTo("running");
            assertThat(((Number) row.get("current_run_id")).longValue()).isEqualTo(runId);
          });
      assertThat(BoardDb.scalar(db, "SELECT count(*) FROM events WHERE task_id = ? AND kind = 'claimed'", id))
          .isEqualTo(1);
    }
  }

  /** Starts {@value #PROCESSES} identical commands together and waits for all of them. */
  private static List<KanbanCli.Result> all(KanbanCli cli, String... args) {
    List<Process> processes = new ArrayList<>();
    IntStream.range(0, PROCESSES).forEach(i -> processes.add(cli.start(args)));
    List<KanbanCli.Result> results = new ArrayList<>();
    for (Process p : processes) {
      results.add(finish(p));
    }
    return results;
  }

  private static KanbanCli.Result finish(Process p) {
    try {
      // Output is a few KiB at most, well within the pipe buffers, so waiting first cannot block.
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("a kanban process did not finish in 120 s");
      }
      return new KanbanCli.Result(p.exitValue(),
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
