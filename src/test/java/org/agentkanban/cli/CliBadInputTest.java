package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.failsCleanly;
import static org.agentkanban.cli.CliChecks.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, each as a real process: one clear line on stderr, the documented exit code, and the
 * board exactly as it was (compared with a read-only fingerprint of the database).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliBadInputTest {
  @TempDir static Path home;
  @TempDir static Path files;

  private String ready;
  private String parent;
  private String child;
  private Path attachment;

  /** One bad invocation: its stdin and environment, and the exit code it must end with. */
  record Bad(String description, int exit, List<String> args, String stdin, Map<String, String> env) {
    static Bad of(String description, int exit, String... args) {
      return new Bad(description, exit, List.of(args), null, Map.of());
    }

    Bad withStdin(String input) {
      return new Bad(description, exit, args, input, env);
    }

    Bad withEnv(String key, String value) {
      return new Bad(description, exit, args, stdin, Map.of(key, value));
    }

    KanbanCli.Result runIn(Path home) {
      KanbanCli cli = new KanbanCli(home);
      env.forEach(cli::env);
      return cli.runWithInput(stdin, args.toArray(String[]::new));
    }

    @Override
    public String toString() {
      return description + " -> exit " + exit;
    }
  }

  @BeforeAll
  void aBoardWithADependencyAndAReadyTask() throws IOException {
    InProcessCli setup = new InProcessCli(home);
    ok(setup.run("init"));
    parent = ok(setup.run("create", "parent", "--json")).json().at("/task/id").asText();
    child = ok(setup.run("create", "child", "--parent", parent, "--json")).json().at("/task/id").asText();
    ready = ok(setup.run("create", "ready one", "--json")).json().at("/task/id").asText();
    ok(setup.run("comment", ready, "a comment"));
    attachment = Files.writeString(files.resolve("notes.txt"), "some notes");
  }

  /** Bad input that is caught before any board is opened, so it works the same on a fresh home. */
  Stream<Bad> inputErrors() {
    String tenMegabytes = "a".repeat(10 * 1024 * 1024);
    return Stream.of(
        Bad.of("unknown board", 3, "list", "--board", "nope"),
        Bad.of("board name with a path", 2, "list", "--board", "../x"),
        Bad.of("unknown status filter", 2, "list", "--status", "bogus"),
        Bad.of("malformed JSON metadata", 2, "complete", "t_0000000000", "--metadata", "{"),
        Bad.of("10 MB body on stdin", 2, "create", "x", "--body-file", "-").withStdin(tenMegabytes),
        Bad.of("title of control characters", 2, "create", "\u0001\u0002\u0007"),
        Bad.of("relative dir: workspace", 2, "create", "x", "--workspace", "dir:rel/path"),
        Bad.of("bad duration", 2, "create", "x", "--max-runtime", "5y"),
        Bad.of("bad --at time", 2, "create", "x", "--at", "yesterdayish"),
        Bad.of("priority out of range", 2, "create", "x", "--priority", "5000"),
        Bad.of("unknown flag", 2, "list", "--frobnicate"),
        Bad.of("KANBAN_BOARD naming a missing board", 3, "list").withEnv("KANBAN_BOARD", "missing"));
  }

  /** Bad input that needs the board to be judged: unknown ids, cycles, unsafe names. */
  Stream<Bad> boardErrors() {
    return Stream.of(
        Bad.of("unknown parent", 3, "create", "x", "--parent", "t_zzzzzzzzzz"),
        Bad.of("a dependency cycle", 1, "link", child, parent),
        Bad.of("path traversal in an attachment name", 2,
            "attach", ready, attachment.toString(), "--name", "../../etc/x"),
        Bad.of("completing an unknown task", 3, "complete", "t_zzzzzzzzzz"),
        Bad.of("a past --at for schedule", 2, "schedule", ready, "--at", "2001-01-01"));
  }

  Stream<Bad> allErrors() {
    return Stream.concat(inputErrors(), boardErrors());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allErrors")
  void badInputOnAnExistingBoardIsRefusedInOneLineAndChangesNothing(Bad bad) {
    BoardDb.Fingerprint before = BoardDb.fingerprint(BoardDb.file(home));
    List<String> filesBefore = files(home);

    failsCleanly(bad.runIn(home), bad.exit());

    assertThat(BoardDb.fingerprint(BoardDb.file(home))).isEqualTo(before);
    assertThat(files(home)).as("no board, attachment or other file appeared").isEqualTo(filesBefore);
  }

  /** A few of them on a fresh home; CliInputValidationTest runs all of them (and more) in-process there. */
  Stream<Bad> someInputErrors() {
    List<String> chosen = List.of("unknown board", "KANBAN_BOARD naming a missing board", "10 MB body on stdin",
        "title of control characters", "malformed JSON metadata");
    return inputErrors().filter(b -> chosen.contains(b.description()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("someInputErrors")
  void badInputOnAFreshHomeCreatesNoBoard(Bad bad, @TempDir Path fresh) {
    failsCleanly(bad.runIn(fresh), bad.exit());

    assertThat(fresh.resolve("boards")).doesNotExist();
    assertThat(BoardDb.file(fresh)).doesNotExist();
  }

  @Test
  void withJsonAFailurePrintsTheErrorDocumentOnStdout() {
    KanbanCli.Result r = failsCleanly(new KanbanCli(home).run("show", "t_zzzzzzzzzz", "--json"), 3);

    assertThat(r.json().at("/error/code").asText()).isEqualTo("not_found");
    assertThat(r.json().at("/error/message").asText()).contains("t_zzzzzzzzzz");
  }

  /** Every file and directory under the home, except SQLite's own transient -wal and -shm files. */
  private static List<String> files(Path home) {
    try (Stream<Path> all = Files.walk(home)) {
      return all.map(p -> home.relativize(p).toString())
          .filter(p -> !p.endsWith("board.db-wal") && !p.endsWith("board.db-shm"))
          .sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
