package org.agentkanban.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.agentkanban.testkit.KanbanCli;

/** Assertions shared by the CLI tests. */
final class CliChecks {
  /** The fields every task document has, in the stable snake_case wire names. */
  static final List<String> TASK_FIELDS = List.of(
      "id", "title", "body", "assignee", "status", "priority", "tenant", "idempotency_key", "dedupe_scope",
      "workspace", "created_at", "started_at", "completed_at", "scheduled_at", "max_runtime_ms", "max_retries",
      "consecutive_failures", "block_kind", "block_recurrences", "block_reason", "current_run_id",
      "last_failure_error", "parents", "children");

  private CliChecks() {}

  /** The command succeeded, printed nothing on stderr, and its result is returned for more checks. */
  static KanbanCli.Result ok(KanbanCli.Result r) {
    assertThat(r.exit()).as("exit code of a command that should succeed:\n%s", r).isZero();
    assertThat(r.err()).as("stderr of a successful command:\n%s", r).isEmpty();
    return r;
  }

  /**
   * The command failed with this exit code and explained why in exactly one line on stderr that
   * starts with {@code kanban:}, with no stack trace.
   */
  static KanbanCli.Result failsCleanly(KanbanCli.Result r, int exitCode) {
    assertThat(r.exit()).as("exit code:\n%s", r).isEqualTo(exitCode);
    assertThat(r.err().lines().toList()).as("stderr is one line:\n%s", r).hasSize(1);
    assertThat(r.err()).as("stderr:\n%s", r)
        .startsWith("kanban: ")
        .doesNotContain("\tat ")
        .doesNotContain("Exception")
        .doesNotContain("internal error")
        .doesNotContain("[Source:");
    return r;
  }

  /** A task document with every documented field, snake_case. */
  static JsonNode taskDocument(JsonNode task) {
    assertThat(task).as("task document").isNotNull();
    for (String field : TASK_FIELDS) {
      assertThat(task.has(field)).as("task document has '%s': %s", field, task).isTrue();
    }
    assertThat(task.get("id").asText()).matches("t_[0-9a-z]{4,32}");
    assertThat(task.get("parents").isArray()).isTrue();
    assertThat(task.get("children").isArray()).isTrue();
    task.fieldNames().forEachRemaining(name -> assertThat(name).as("wire name").matches("[a-z][a-z0-9_]*"));
    return task;
  }

  /** Runs {@code create … --json} and returns the new task's id. */
  static String create(KanbanCli cli, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "create";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--json";
    KanbanCli.Result r = ok(cli.run(all));
    return taskDocument(r.json().get("task")).get("id").asText();
  }

  /** The task as {@code show --json} prints it. */
  static JsonNode show(KanbanCli cli, String id) {
    return taskDocument(ok(cli.run("show", id, "--json")).json().get("task"));
  }
}
