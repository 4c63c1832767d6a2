package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.failsCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many more bad inputs than {@link CliBadInputTest} runs as processes, through the CLI's
 * composition root in this JVM: each is refused in one line with its exit code, before any board
 * is opened, so a fresh home stays empty.
 */
class CliInputValidationTest {
  private static final String ID = "t_0000000000";

  /** Every verb that takes a task id, with whatever else it needs to get past its own checks. */
  private static final List<List<String>> VERBS_WITH_AN_ID = List.of(
      List.of("show", "%s"), List.of("edit", "%s", "--title", "x"), List.of("assign", "%s", "coder"),
      List.of("link", "%s", ID), List.of("link", ID, "%s"), List.of("unlink", "%s", ID),
      List.of("comment", "%s", "text"), List.of("claim", "%s"), List.of("heartbeat", "%s"),
      List.of("complete", "%s"), List.of("block", "%s", "--reason", "r"), List.of("unblock", "%s"),
      List.of("promote", "%s"), List.of("schedule", "%s", "--at", "+1h"), List.of("request-review", "%s"),
      List.of("request-changes", "%s", "--", "reason"), List.of("reopen-review", "%s"), List.of("reclaim", "%s"),
      List.of("archive", "%s"), List.of("archive", "--rm", "%s"), List.of("runs", "%s"),
      List.of("events", "--task", "%s"), List.of("attachments", "%s"), List.of("attach", "%s", "/etc/hostname"),
      List.of("create", "x", "--parent", "%s"), List.of("show", "%s", "--context"));

  static Stream<Arguments> badInputs() {
    List<Arguments> cases = new ArrayList<>();
    for (List<String> verb : VERBS_WITH_AN_ID) {
      cases.add(bad(2, with(verb, "not-an-id")));
      cases.add(bad(2, with(verb, ID, "--board", "../up")));
      cases.add(bad(3, with(verb, ID, "--board", "nope")));
    }
    for (String duration : List.of("0", "-5m", "5y", "abc", "", "1.5h")) {
      cases.add(bad(2, "create", "x", "--max-runtime", duration));
      cases.add(bad(2, "edit", ID, "--max-runtime", duration));
      cases.add(bad(2, "claim", ID, "--ttl", duration));
      cases.add(bad(2, "gc", "--event-retention", duration));
    }
    for (String priority : List.of("-1001", "1001", "high", "99999999999")) {
      cases.add(bad(2, "create", "x", "--priority", priority));
    }
    for (String at : List.of("yesterdayish", "2026-13-01", "+-5m", "in", "")) {
      cases.add(bad(2, "create", "x", "--at", at));
      cases.add(bad(2, "schedule", ID, "--at", at));
    }
    cases.add(bad(2, "schedule", ID, "--at", "2001-01-01"));
    for (String workspace : List.of("dir:", "dir:rel/path", "worktree:rel", "bogus", "dir:../x")) {
      cases.add(bad(2, "create", "x", "--workspace", workspace));
      cases.add(bad(2, "edit", ID, "--workspace", workspace));
    }
    for (String title : List.of("", "   ", "\u0000", "a\u0007b", "line\nbreak", "x".repeat(501))) {
      cases.add(bad(2, "create", title));
      cases.add(bad(2, "edit", ID, "--title", title));
    }
    for (String metadata : List.of("{", "[]", "1", "\"text\"", "{\"a\":}", "null")) {
      cases.add(bad(2, "complete", ID, "--metadata", metadata));
      cases.add(bad(2, "request-review", ID, "--metadata", metadata));
    }
    cases.add(bad(2, "create", "x", "--dedupe-scope", "lifetime"));
    cases.add(bad(2, "create", "x", "--idempotency-key", "k", "--dedupe-scope", "forever"));
    cases.add(bad(2, "create", "x", "--body", "b", "--body-file", "-"));
    cases.add(bad(2, "create", "x", "--max-retries", "-1"));
    cases.add(bad(2, "create", "x", "--assignee", "two words"));
    cases.add(bad(2, "create", "x", "--tenant", "a\u0001b"));
    cases.add(bad(2, "create", "x", "--idempotency-key", "k".repeat(201)));
    cases.add(bad(2, "edit", ID, "--priority", "5000"));
    cases.add(bad(2, "edit", ID, "--tenant", "a\u0001b"));
    cases.add(bad(2, "edit", ID, "--max-retries", "-1"));
    cases.add(bad(2, "create"));
    cases.add(bad(2, "edit", ID));
    cases.add(bad(2, "edit", ID, "--max-runtime", "5m", "--no-max-runtime"));
    cases.add(bad(2, "list", "--status", "ready,bogus"));
    cases.add(bad(2, "list", "--limit", "0"));
    cases.add(bad(2, "list", "--limit", "10001"));
    cases.add(bad(2, "list", "--sort", "sideways"));
    cases.add(bad(2, "events", "--limit", "0"));
    cases.add(bad(2, "events", "--after", "-1"));
    cases.add(bad(2, "show", ID, "--events", "-1"));
    cases.add(bad(2, "block", ID, "--kind", "bogus", "--reason", "r"));
    cases.add(bad(2, "block", ID, "reason", "--reason", "also"));
    cases.add(bad(2, "complete", ID, "not", "an", "id"));
    cases.add(bad(2, "complete", ID, "--summary", "a", "--summary-file", "-"));
    cases.add(bad(2, "comment", ID));
    cases.add(bad(2, "comment", ID, "text", "--file", "-"));
    cases.add(bad(2, "request-changes", ID));
    cases.add(bad(2, "attach-rm", "one"));
    cases.add(bad(2, "heartbeat"));
    cases.add(bad(2, "complete"));
    cases.add(bad(2, "frobnicate"));
    cases.add(bad(2, "list", "extra"));
    cases.add(bad(2, "init", "--board", "Bad Slug"));
    cases.add(bad(2, "boards", "create", "../evil"));
    cases.add(bad(2, "boards", "create", "-rf"));
    return cases.stream();
  }

  @ParameterizedTest(name = "[{index}] exit {0}: kanban {1}")
  @MethodSource("badInputs")
  void badInputIsRefusedInOneLineBeforeAnyBoardIsCreated(int exit, List<String> args, @TempDir Path home) {
    InProcessCli cli = new InProcessCli(home);

    KanbanCli.Result r = cli.run(args.toArray(String[]::new));

    failsCleanly(r, exit);
    assertThat(r.out()).isEmpty();
    assertThat(home.resolve("boards")).doesNotExist();
    assertThat(home.resolve("current")).doesNotExist();
  }

  static Stream<Arguments> someBadInputsWithJson() {
    return Stream.of(
        bad(2, "show", "not-an-id"), bad(3, "list", "--board", "nope"), bad(2, "list", "--status", "bogus"),
        bad(2, "complete", ID, "--metadata", "{"), bad(2, "create", "\u0001"), bad(2, "frobnicate"));
  }

  @ParameterizedTest(name = "[{index}] exit {0}: kanban {1} --json")
  @MethodSource("someBadInputsWithJson")
  void withJsonARefusalIsAnErrorDocumentOnStdout(int exit, List<String> args, @TempDir Path home) {
    List<String> json = new ArrayList<>(args);
    json.add(json.contains("--") ? json.indexOf("--") : json.size(), "--json");

    KanbanCli.Result r = new InProcessCli(home).run(json.toArray(String[]::new));

    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.json().at("/error/code").asText()).isIn("usage", "invalid_input", "not_found");
    assertThat(r.json().at("/error/message").asText()).isNotBlank();
  }

  private static Arguments bad(int exit, String... args) {
    return Arguments.of(exit, List.of(args));
  }

  private static Arguments bad(int exit, List<String> args) {
    return Arguments.of(exit, args);
  }

  private static List<String> with(List<String> template, String id, String... extra) {
    List<String> args = new ArrayList<>(template.stream().map(a -> a.replace("%s", id)).toList());
    int at = args.contains("--") ? args.indexOf("--") : args.size();
    args.addAll(at, List.of(extra));
    return args;
  }
}
