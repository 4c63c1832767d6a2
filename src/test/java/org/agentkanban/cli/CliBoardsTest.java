package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.failsCleanly;
import static org.agentkanban.cli.CliChecks.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init} and {@code boards …} as real processes, and which board a verb acts on. */
class CliBoardsTest {
  @TempDir Path home;

  @Test
  void initCreatesTheHomeAndTheDefaultBoardAndIsSafeToRunAgain() {
    KanbanCli cli = new KanbanCli(home);

    KanbanCli.Result first = ok(cli.run("init"));
    assertThat(first.out()).contains("Created board 'default'").contains(home.toString());
    assertThat(BoardDb.file(home)).isRegularFile();

    JsonNode again = ok(cli.run("init", "--json")).json();
    assertThat(again.get("board").asText()).isEqualTo("default");
    assertThat(again.get("created").asBoolean()).isFalse();
    assertThat(again.get("home").asText()).isEqualTo(home.toString());
    assertThat(again.get("database").asText()).isEqualTo(BoardDb.file(home).toString());
    assertThat(BoardDb.scalar(BoardDb.file(home), "SELECT count(*) FROM events WHERE kind = 'board_created'"))
        .isEqualTo(1);
  }

  @Test
  void boardsAreCreatedListedShownRenamedSwitchedArchivedAndDeleted() throws IOException {
    KanbanCli cli = new KanbanCli(home);

    JsonNode created = ok(cli.run("boards", "create", "research", "--name", "Research", "--description",
        "papers to read", "--switch", "--json")).json();
    assertThat(created.get("slug").asText()).isEqualTo("research");
    assertThat(created.get("name").asText()).isEqualTo("Research");
    assertThat(created.get("description").asText()).isEqualTo("papers to read");
    assertThat(created.get("current").asBoolean()).isTrue();
    assertThat(created.at("/counts/ready").asInt()).isZero();
    assertThat(BoardDb.file(home, "research")).isRegularFile();
    assertThat(ok(cli.run("boards", "create", "scratchpad")).out()).contains("Created board 'scratchpad'");

    assertThat(ok(cli.run("boards", "list")).out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("* research").contains("Research"))
        .anySatisfy(l -> assertThat(l).startsWith("  default"))
        .anySatisfy(l -> assertThat(l).startsWith("  scratchpad"));

    assertThat(ok(cli.run("boards", "rename", "research", "Deep research")).out())
        .contains("Renamed board 'research' to \"Deep research\"");
    JsonNode current = ok(cli.run("boards", "show", "--json")).json();
    assertThat(current.get("slug").asText()).isEqualTo("research");
    assertThat(current.get("name").asText()).isEqualTo("Deep research");

    assertThat(ok(cli.run("boards", "switch", "default")).out()).contains("Current board: default");
    assertThat(ok(cli.run("boards", "show")).out()).startsWith("default (current)");

    assertThat(ok(cli.run("boards", "rm", "scratchpad")).out()).contains("Archived board 'scratchpad' to ");
    assertThat(home.resolve("boards/scratchpad")).doesNotExist();
    try (Stream<Path> archived = Files.list(home.resolve("boards/_archived"))) {
      assertThat(archived.map(p -> p.getFileName().toString()))
          .singleElement().satisfies(name -> assertThat(name).startsWith("scratchpad-"));
    }

    assertThat(ok(cli.run("boards", "rm", "research", "--delete")).out()).contains("Deleted board 'research'");
    assertThat(home.resolve("boards/research")).doesNotExist();

    JsonNode all = ok(cli.run("boards", "list", "--all", "--json")).json().get("boards");
    assertThat(all).extracting(b -> b.get("slug").asText() + (b.get("archived").asBoolean() ? " (archived)" : ""))
        .hasSize(2)
        .first().isEqualTo("default");
    assertThat(all.get(1).get("slug").asText()).startsWith("scratchpad-");
    assertThat(all.get(1).get("archived").asBoolean()).isTrue();
  }

  @Test
  void theBoardIsChosenByFlagThenEnvironmentThenCurrentThenDefault() {
    InProcessCli setup = new InProcessCli(home);
    for (String slug : new String[] {"alpha", "beta", "gamma"}) {
      ok(setup.run("boards", "create", slug));
    }
    ok(setup.run("boards", "switch", "beta"));
    KanbanCli cli = new KanbanCli(home).env("KANBAN_BOARD", "alpha");

    ok(cli.run("create", "by flag", "--board", "gamma"));
    ok(cli.run("create", "by environment"));
    cli.env("KANBAN_BOARD", null);
    ok(cli.run("create", "by current board"));
    ok(setup.run("boards", "switch", "default"));
    ok(cli.run("create", "by default"));

    assertThat(titles("gamma")).isEqualTo("by flag");
    assertThat(titles("alpha")).isEqualTo("by environment");
    assertThat(titles("beta")).isEqualTo("by current board");
    assertThat(titles("default")).isEqualTo("by default");
  }

  @Test
  void theDefaultBoardCannotBeRemoved() {
    KanbanCli cli = new KanbanCli(home);
    ok(new InProcessCli(home).run("init"));

    KanbanCli.Result r = failsCleanly(cli.run("boards", "rm", "default", "--delete"), ExitCode.FAILED);

    assertThat(r.err()).contains("'default'").contains("cannot be removed");
    assertThat(BoardDb.file(home)).isRegularFile();
  }

  @Test
  void switchingToAMissingBoardIsNotFoundAndKeepsTheCurrentBoard() {
    KanbanCli cli = new KanbanCli(home);
    InProcessCli setup = new InProcessCli(home);
    ok(setup.run("boards", "create", "alpha", "--switch"));

    failsCleanly(cli.run("boards", "switch", "nope"), ExitCode.NOT_FOUND);

    assertThat(ok(setup.run("boards", "show", "--json")).json().get("slug").asText()).isEqualTo("alpha");
    assertThat(home.resolve("boards/nope")).doesNotExist();
  }

  private String titles(String slug) {
    return BoardDb.rows(BoardDb.file(home, slug), "SELECT group_concat(title, ', ') AS t FROM tasks")
        .get(0).get("t").toString();
  }
}
