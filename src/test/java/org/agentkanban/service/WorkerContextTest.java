package org.agentkanban.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.RunEnd;
import org.junit.jupiter.api.Test;

/** The document a worker reads first: every section present when it has content, and capped. */
class WorkerContextTest extends BoardTestBase {

  private String coderTask(String title, String body, String... parents) {
    CreateTask r = new CreateTask(title, body, "coder", List.of(parents), 5, "acme", null, null, false, null,
        null, null, null, ALICE);
    return create(r);
  }

  private String context(String id) {
    return board.context(id);
  }

  private static String section(String doc, String heading) {
    int start = doc.indexOf("\n## " + heading);
    assertThat(start).as("section '%s' in:\n%s", heading, doc).isNotNegative();
    int end = doc.indexOf("\n## ", start + 4);
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }

  @Test
  void theHeaderNamesTheTaskAndItsSettings() {
    String id = coderTask("Fix the flaky test", "It fails on Tuesdays.");

    String doc = context(id);

    assertThat(doc).startsWith("# Kanban task " + id + ": Fix the flaky test\n\n")
        .contains("- board: default\n", "- status: ready\n", "- assignee: coder\n", "- tenant: acme\n",
            "- priority: 5\n", "- workspace: scratch\n");
    assertThat(section(doc, "Body")).contains("It fails on Tuesdays.");
  }

  @Test
  void aTaskWithNothingElseHasOnlyTheHeaderAndBody() {
    String id = create("bare");

    String doc = context(id);

    assertThat(doc).contains("## Body\n\n(no body)\n")
        .doesNotContain("## Attachments", "## Prior attempts", "## Parent task results", "## Recent work",
            "## Comment thread", "- assignee:", "- tenant:");
  }

  @Test
  void theBlockReasonIsShownInTheHeader() {
    String id = create("t");
    board.block(id, "need the staging password", null, ALICE);

    assertThat(context(id)).contains("- block reason: need the staging password\n");
  }

  @Test
  void theBodyIsCappedAtEightKibibytes() {
    String body = "x".repeat(20 * 1024);
    String id = coderTask("big", body);

    String bodySection = section(context(id), "Body");

    assertThat(bodySection).contains("x".repeat(8 * 1024)).doesNotContain("x".repeat(8 * 1024 + 1))
        .contains("[… truncated: 20480 bytes in all]");
  }

  @Test
  void theBodyIsCutOnACharacterBoundary() {
    // 3-byte characters: 8192 is not a multiple of 3, so the cut has to back up.
    String id = coderTask("wide", "€".repeat(3000));

    String body = section(context(id), "Body");

    assertThat(body).doesNotContain("\uFFFD").contains("€".repeat(2730)).doesNotContain("€".repeat(2731))
        .contains("truncated: 9000 bytes");
  }

  @Test
  void attachmentsAreListedWithTheirPaths() throws IOException {
    String id = create("t");
    Path file = Files.writeString(dir.resolve("spec.md"), "# spec");
    Attachment a = board.attach(id, file, null, null, ALICE);

    String attachments = section(context(id), "Attachments");

    Path stored = home.boards.home().attachmentsDir("default").resolve(id).resolve(a.storedName());
    assertThat(attachments).contains("- spec.md (text/markdown, 1 KB): " + stored);
  }

  @Test
  void priorAttemptsShowHowEachRunEnded() {
    String id = coderTask("t", null);
    board.endRun(id, claim(id).run().id(), RunEnd.crashed(137, "killed by the OOM killer"), GATEWAY);
    board.endRun(id, claim(id).run().id(), RunEnd.timedOut("ran past 2h"), GATEWAY);
    claim(id);

    String prior = section(context(id), "Prior attempts on this task");

    assertThat(prior).contains(": crashed by coder", "error: killed by the OOM killer", ": timed_out by coder",
        "error: ran past 2h");
    assertThat(prior.lines().filter(l -> l.startsWith("### Run "))).hasSize(2);
  }

  @Test
  void onlyTheLastTenAttemptsAreShown() {
    String id = create(with(titled("t"), null, false, null, 20));
    for (int i = 0; i < 12; i++) {
      board.endRun(id, claim(id).run().id(), RunEnd.crashed(1, "crash " + i), GATEWAY);
    }

    String prior = section(context(id), "Prior attempts on this task");

    assertThat(prior).contains("2 earlier attempts omitted.").contains("crash 11").doesNotContain("crash 1\n");
    assertThat(prior.lines().filter(l -> l.startsWith("### Run "))).hasSize(10);
  }

  @Test
  void parentResultsShowWhatDoneParentsProduced() {
    String p1 = coderTask("design", null);
    String p2 = coderTask("research", null);
    String p3 = create("dropped idea");
    board.complete(p1, "API sketched in docs/api.md", "{\"files\":1}", false, worker(claim(p1)));
    board.complete(p2, null, null, false, ALICE);
    board.archive(p3, null, ALICE);
    String id = create("build", p1, p2, p3);

    String parents = section(context(id), "Parent task results");

    assertThat(parents).contains("### " + p1 + ": design (completed just now)", "summary: API sketched in docs/api.md",
        "metadata: {\"files\":1}", "### " + p2 + ": research", "(no summary was recorded)",
        "check anything you rely on");
    assertThat(parents).doesNotContain(p3);
  }

  @Test
  void recentWorkShowsTheAssigneesOtherCompletedTasks() {
    for (int i = 1; i <= 7; i++) {
      String done = coderTask("earlier " + i, null);
      board.complete(done, "shipped feature " + i + "\nmore detail", null, false, ALICE);
      clock.advance(60_000);
    }
    String id = coderTask("next", null);

    String recent = section(context(id), "Recent work by @coder");

    assertThat(recent.lines().filter(l -> l.startsWith("- t_"))).hasSize(5);
    assertThat(recent).contains("shipped feature 7", "shipped feature 3").doesNotContain("shipped feature 2",
        "more detail");
    assertThat(context(create("unassigned"))).doesNotContain("## Recent work");
  }

  @Test
  void theCommentThreadKeepsTheLatestThirtyAndCapsEachComment() {
    String id = create("t");
    board.comment(id, "y".repeat(10_000), ALICE);
    for (int i = 1; i <= 34; i++) {
      board.comment(id, "note " + i, Actor.person("bob"));
    }

    String thread = section(context(id), "Comment thread");

    assertThat(thread).contains("5 earlier comments omitted.", "comment from `bob`", "note 34", "note 5\n")
        .doesNotContain("note 4\n", "yyyy");
    assertThat(thread.lines().filter(l -> l.startsWith("comment from "))).hasSize(30);
  }

  @Test
  void aLongCommentIsCappedAtTwoKibibytes() {
    String id = create("t");
    board.comment(id, "z".repeat(10_000), ALICE);

    assertThat(section(context(id), "Comment thread")).contains("z".repeat(2048)).doesNotContain("z".repeat(2049))
        .contains("[… truncated: 10000 bytes in all]");
  }
}
