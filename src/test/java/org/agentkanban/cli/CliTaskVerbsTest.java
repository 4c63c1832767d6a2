package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.ok;
import static org.agentkanban.cli.CliChecks.taskDocument;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs that create, find, change and annotate tasks, each as a real process. */
class CliTaskVerbsTest {
  @TempDir Path home;
  @TempDir Path files;

  private KanbanCli cli;
  private InProcessCli setup;

  @BeforeEach
  void board() {
    cli = new KanbanCli(home);
    setup = new InProcessCli(home);
    ok(setup.run("init"));
  }

  @Test
  void createWithEveryFlagPrintsEachFieldInTheTaskDocument() {
    String p1 = id(setup.run("create", "parent one", "--json"));
    String p2 = id(setup.run("create", "parent two", "--json"));
    long before = System.currentTimeMillis();

    JsonNode doc = ok(cli.runWithInput("the spec\nfrom stdin\n", "create", "Full", "--body-file", "-",
        "--assignee", "coder", "--parent", p1, "--parent", p2, "--priority", "7", "--tenant", "acme",
        "--idempotency-key", "key-1", "--dedupe-scope", "lifetime", "--max-runtime", "90s",
        "--max-retries", "4", "--workspace", "dir:" + files, "--json")).json();

    assertThat(doc.get("created").asBoolean()).isTrue();
    JsonNode t = taskDocument(doc.get("task"));
    assertThat(t.get("title").asText()).isEqualTo("Full");
    assertThat(t.get("body").asText()).isEqualTo("the spec\nfrom stdin\n");
    assertThat(t.get("assignee").asText()).isEqualTo("coder");
    assertThat(t.get("status").asText()).as("waits for its parents").isEqualTo("todo");
    assertThat(t.get("priority").asInt()).isEqualTo(7);
    assertThat(t.get("tenant").asText()).isEqualTo("acme");
    assertThat(t.get("idempotency_key").asText()).isEqualTo("key-1");
    assertThat(t.get("dedupe_scope").asText()).isEqualTo("lifetime");
    assertThat(t.get("workspace").asText()).isEqualTo("dir:" + files);
    assertThat(t.get("max_runtime_ms").asLong()).isEqualTo(90_000);
    assertThat(t.get("max_retries").asInt()).isEqualTo(4);
    assertThat(t.get("parents")).extracting(JsonNode::asText).containsExactlyInAnyOrder(p1, p2);
    assertThat(t.get("children")).isEmpty();
    assertThat(t.get("created_at").asLong()).isGreaterThanOrEqualTo(before);
    assertThat(t.get("started_at").isNull()).isTrue();
    assertThat(t.get("completed_at").isNull()).isTrue();
    assertThat(t.get("current_run_id").isNull()).isTrue();
    assertThat(t.get("consecutive_failures").asInt()).isZero();
  }

  @Test
  void createPrintsOneHumanLineAndTakesTheBodyFromAFile() throws IOException {
    Path spec = Files.writeString(files.resolve("spec.md"), "# Spec\nDo it well.");

    KanbanCli.Result r = ok(cli.run("create", "Human", "--body-file", spec.toString(), "--assignee", "coder",
        "--max-runtime", "2h", "--workspace", "worktree"));

    assertThat(r.out()).matches("Created t_[0-9a-z]+  \\(ready, assignee=coder\\)\\R");
    String id = r.out().split(" ")[1];
    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT body, max_runtime_ms, workspace_kind FROM tasks WHERE id = ?", id))
        .singleElement().satisfies(row -> {
          assertThat(row.get("body")).isEqualTo("# Spec\nDo it well.");
          assertThat(((Number) row.get("max_runtime_ms")).longValue()).isEqualTo(2 * 3_600_000L);
          assertThat(row.get("workspace_kind")).isEqualTo("worktree");
        });
  }

  @Test
  void createLandsInTriageOrScheduledWhenAsked() {
    JsonNode idea = ok(cli.run("create", "Idea", "--triage", "--max-runtime", "30m",
        "--workspace", "worktree:" + files, "--json")).json().get("task");
    assertThat(idea.get("status").asText()).isEqualTo("triage");
    assertThat(idea.get("max_runtime_ms").asLong()).isEqualTo(30 * 60_000L);
    assertThat(idea.get("workspace").asText()).isEqualTo("worktree:" + files);

    long before = System.currentTimeMillis();
    JsonNode later = ok(cli.run("create", "Later", "--at", "+2h", "--workspace", "scratch", "--json")).json().get("task");
    assertThat(later.get("status").asText()).isEqualTo("scheduled");
    assertThat(later.get("workspace").asText()).isEqualTo("scratch");
    assertThat(later.get("scheduled_at").asLong())
        .isBetween(before + 2 * 3_600_000L, System.currentTimeMillis() + 2 * 3_600_000L);
  }

  @Test
  void anIdempotencyKeyReturnsTheOpenTaskAndALifetimeKeyEvenTheFinishedOne() {
    String open = id(setup.run("create", "nightly", "--idempotency-key", "open-key", "--json"));
    String lifetime = id(setup.run("create", "once", "--idempotency-key", "life-key", "--dedupe-scope", "lifetime", "--json"));
    ok(setup.run("complete", lifetime));

    assertThat(ok(cli.run("create", "nightly", "--idempotency-key", "open-key")).out())
        .isEqualTo("Exists " + open + "  (idempotency key 'open-key' matched; it is ready)\n");
    JsonNode again = ok(cli.run("create", "once", "--idempotency-key", "life-key", "--json")).json();
    assertThat(again.get("created").asBoolean()).isFalse();
    assertThat(again.at("/task/id").asText()).isEqualTo(lifetime);
    assertThat(again.at("/task/status").asText()).isEqualTo("done");
    assertThat(BoardDb.scalar(BoardDb.file(home), "SELECT count(*) FROM tasks")).isEqualTo(2);
  }

  @Test
  void listFiltersByStatusAssigneeTenantAndArchivedAndSortsAndLimits() {
    String a = id(setup.run("create", "alpha", "--assignee", "coder", "--tenant", "acme", "--priority", "1", "--json"));
    String b = id(setup.run("create", "bravo", "--assignee", "coder", "--priority", "5", "--json"));
    String c = id(setup.run("create", "charlie", "--tenant", "acme", "--priority", "3", "--json"));
    String d = id(setup.run("create", "delta", "--json"));
    ok(setup.run("block", c, "needs", "a", "key"));
    ok(setup.run("archive", d));

    String text = ok(cli.run("list")).out();
    assertThat(text.lines().findFirst().orElseThrow()).contains("ID").contains("STATUS").contains("TITLE");
    assertThat(text.lines().skip(1).map(l -> l.split("\\s+")[0]).toList()).as("priority order, no archived")
        .containsExactly(b, c, a);
    assertThat(text).contains("blocked").contains("coder").contains("acme").doesNotContain("delta");

    assertThat(ids(cli.run("list", "--status", "ready,blocked", "--assignee", "coder", "--json")))
        .containsExactly(b, a);
    assertThat(ids(cli.run("list", "--tenant", "acme", "--status", "blocked", "--json"))).containsExactly(c);
    assertThat(ids(cli.run("list", "--archived", "--sort", "created", "--json"))).containsExactly(a, b, c, d);
    assertThat(ids(cli.run("list", "--sort", "priority-asc", "--limit", "2", "--json"))).containsExactly(a, c);
  }

  @Test
  void showPrintsTheTaskItsRelationsCommentsAndTheWorkerContext() {
    String parent = id(setup.run("create", "Fetch the data", "--json"));
    String child = id(setup.run("create", "Summarize it", "--parent", parent, "--body", "Use the numbers.", "--json"));
    ok(setup.run("comment", child, "remember the units"));

    assertThat(ok(cli.run("show", child)).out())
        .contains(child + "  Summarize it")
        .contains("status     todo")
        .contains("parent     " + parent + " (ready) Fetch the data")
        .contains("Use the numbers.")
        .contains("tester: remember the units")
        .contains("created");

    JsonNode doc = ok(cli.run("show", child, "--json")).json();
    assertThat(taskDocument(doc.get("task")).get("parents")).extracting(JsonNode::asText).containsExactly(parent);
    assertThat(doc.get("parents")).singleElement().satisfies(p -> assertThat(p.get("status").asText()).isEqualTo("ready"));
    assertThat(doc.get("comments")).singleElement()
        .satisfies(c -> assertThat(c.get("body").asText()).isEqualTo("remember the units"));
    assertThat(doc.get("runs")).isEmpty();
    assertThat(doc.get("events")).extracting(e -> e.get("kind").asText()).contains("created", "commented");

    assertThat(ok(cli.run("show", child, "--context")).out())
        .startsWith("# Kanban task " + child + ": Summarize it")
        .contains("status: todo")
        .contains("Use the numbers.")
        .contains("remember the units");
  }

  @Test
  void editAssignLinkUnlinkAndCommentChangeTheTask() {
    String a = id(setup.run("create", "first", "--json"));
    String b = id(setup.run("create", "second", "--json"));

    JsonNode edited = ok(cli.runWithInput("new body", "edit", a, "--title", "First, renamed", "--body-file", "-",
        "--priority", "9", "--tenant", "t2", "--max-runtime", "45m", "--max-retries", "1",
        "--workspace", "dir:" + files, "--json")).json();
    assertThat(taskDocument(edited).get("title").asText()).isEqualTo("First, renamed");
    assertThat(edited.get("body").asText()).isEqualTo("new body");
    assertThat(edited.get("priority").asInt()).isEqualTo(9);
    assertThat(edited.get("tenant").asText()).isEqualTo("t2");
    assertThat(edited.get("max_runtime_ms").asLong()).isEqualTo(45 * 60_000L);
    assertThat(edited.get("max_retries").asInt()).isEqualTo(1);
    assertThat(edited.get("workspace").asText()).isEqualTo("dir:" + files);
    assertThat(ok(cli.run("edit", a, "--no-max-runtime")).out()).isEqualTo("Edited " + a + "\n");

    assertThat(ok(cli.run("assign", a, "coder")).out()).contains(a + "  assigned to coder  (ready)");
    assertThat(ok(cli.run("assign", a, "none", "--json")).json().get("assignee").isNull()).isTrue();

    assertThat(ok(cli.run("link", a, b)).out()).contains("Linked " + a + " -> " + b + "  (" + b + " is todo)");
    JsonNode unlinked = ok(cli.run("unlink", a, b, "--json")).json();
    assertThat(unlinked.get("status").asText()).isEqualTo("ready");
    assertThat(unlinked.get("parents")).isEmpty();

    assertThat(ok(cli.run("comment", b, "looks", "good", "to", "me")).out()).matches("Commented on " + b + " \\(#\\d+\\)\\R");
    JsonNode comment = ok(cli.runWithInput("from a file\n", "comment", b, "--file", "-", "--json")).json();
    assertThat(comment.get("task_id").asText()).isEqualTo(b);
    assertThat(comment.get("author").asText()).isEqualTo("tester");
    assertThat(comment.get("body").asText()).startsWith("from a file");

    assertThat(BoardDb.rows(BoardDb.file(home), "SELECT max_runtime_ms, assignee FROM tasks WHERE id = ?", a))
        .singleElement().satisfies(row -> {
          assertThat(row.get("max_runtime_ms")).isNull();
          assertThat(row.get("assignee")).isNull();
        });
    assertThat(BoardDb.scalar(BoardDb.file(home), "SELECT count(*) FROM comments WHERE task_id = ?", b)).isEqualTo(2);
  }

  @Test
  void attachmentsAreCopiedListedAndRemoved() throws IOException {
    String t = id(setup.run("create", "with files", "--json"));
    Path report = Files.writeString(files.resolve("r.txt"), "quarterly numbers");

    JsonNode a = ok(cli.run("attach", t, report.toString(), "--name", "q3-report.txt",
        "--content-type", "text/plain", "--json")).json();
    assertThat(a.get("filename").asText()).isEqualTo("q3-report.txt");
    assertThat(a.get("content_type").asText()).isEqualTo("text/plain");
    assertThat(a.get("size").asLong()).isEqualTo(17);
    Path stored = Path.of(a.get("path").asText());
    assertThat(stored).startsWith(home).hasContent("quarterly numbers");

    assertThat(ok(cli.run("attachments", t)).out()).contains("#" + a.get("id").asLong()).contains("q3-report.txt")
        .contains(stored.toString());
    assertThat(ok(cli.run("attach-rm", a.get("id").asText())).out()).isEqualTo("Removed attachment #" + a.get("id").asLong() + "\n");
    assertThat(ok(cli.run("attachments", t, "--json")).json().get("attachments")).isEmpty();
    assertThat(stored).doesNotExist();
  }

  private static String id(KanbanCli.Result created) {
    return ok(created).json().at("/task/id").asText();
  }

  private static List<String> ids(KanbanCli.Result listed) {
    JsonNode doc = ok(listed).json();
    doc.get("tasks").forEach(CliChecks::taskDocument);
    assertThat(doc.get("count").asInt()).isEqualTo(doc.get("tasks").size());
    return doc.get("tasks").findValuesAsText("id").stream().toList();
  }
}
