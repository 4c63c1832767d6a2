package org.agentkanban.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliSmokeTest {
  @TempDir Path home;

  @Test
  void initCreateAndListRunAsARealProcess() {
    KanbanCli cli = new KanbanCli(home);
    assertThat(cli.run("init").exit()).isZero();
    KanbanCli.Result created = cli.run("create", "First task", "--json");
    assertThat(created.exit()).as(created.toString()).isZero();
    String id = created.json().get("task").get("id").asText();
    KanbanCli.Result list = cli.run("list");
    assertThat(list.out()).contains(id).contains("First task").contains("ready");
  }
}
