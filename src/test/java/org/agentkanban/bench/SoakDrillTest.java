package org.agentkanban.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's soak: a real gateway with 20 boards, tasks flowing, an SSE reader and an API reader
 * connected throughout; its descriptor and thread counts stay flat after the warm-up and the WAL
 * stays bounded. Short here (20 boards, 400 passes of every board's dispatcher); {@code -Dkanban.test.long=true}
 * runs the 10,000 ticks (of every board).
 */
class SoakDrillTest {
  @TempDir Path dir;

  @Test
  void twentyBoardsUnderLoadKeepDescriptorsThreadsFlatAndTheWalBounded() throws Exception {
    long ticks = Boolean.getBoolean("kanban.test.long") ? 10_000 : 400;
    SoakDrill.Result r = SoakDrill.soak(dir, SoakDrill.BOARDS, ticks, System.out);

    ResultTable table = new ResultTable();
    SoakDrill.report(r, table);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    table.print(new PrintStream(printed, true, StandardCharsets.UTF_8));
    String report = printed.toString(StandardCharsets.UTF_8);
    System.out.println(report);

    assertThat(r.ticks()).isGreaterThanOrEqualTo(ticks);
    assertThat(r.tasksDone()).as("tasks flowed through workers").isPositive();
    assertThat(r.sseEvents()).as("the SSE reader was fed").isPositive();
    assertThat(r.apiReads()).isPositive();
    assertThat(r.apiReadFailures()).isZero();
    assertThat(r.fdFlat()).as("descriptors flat\n" + report).isTrue();
    assertThat(r.threadsFlat()).as("threads flat\n" + report).isTrue();
    assertThat(r.walBounded()).as("WAL bounded\n" + report).isTrue();
    assertThat(table.rows()).extracting(ResultTable.Row::result).doesNotContain("FAIL");
    assertThat(dir).as("the drill removes its scratch files").isEmptyDirectory();
  }
}
