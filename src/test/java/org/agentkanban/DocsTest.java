package org.agentkanban;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.agentkanban.domain.StateMachine;
import org.junit.jupiter.api.Test;

/** The state diagram in docs/ARCHITECTURE.md is generated from the table and must stay current. */
class DocsTest {
  private static final Path ARCHITECTURE = Path.of("docs", "ARCHITECTURE.md");
  private static final String BEGIN = "<!-- state-machine:begin";
  private static final String END = "<!-- state-machine:end -->";

  @Test
  void architectureDocShowsTheStateMachineAsTheCodeDefinesIt() throws IOException {
    String doc = Files.readString(ARCHITECTURE, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("begin marker").isNotNegative();
    assertThat(end).as("end marker").isGreaterThan(begin);
    int blockStart = doc.indexOf('\n', begin) + 1;
    String expected = "```mermaid\n" + StateMachine.mermaid() + "```\n";
    if (Boolean.getBoolean("kanban.docs.update")) {
      Files.writeString(ARCHITECTURE, doc.substring(0, blockStart) + expected + doc.substring(end), StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc.substring(blockStart, end))
        .as("docs/ARCHITECTURE.md is stale; rerun with -Dkanban.docs.update=true")
        .isEqualTo(expected);
  }
}
