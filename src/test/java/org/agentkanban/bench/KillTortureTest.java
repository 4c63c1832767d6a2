package org.agentkanban.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill torture of docs/CRASH-SAFETY.md as a test: writers SIGKILLed at random instants
 * (directly on the board and through a gateway) and a gateway SIGKILLed while it dispatches to real
 * shell workers. Every row with a target must pass: no integrity failure, no lost acknowledged
 * write, no broken invariant, no task left running without a worker, no task run twice, never two
 * live workers for one task. CI sizes by default; the long sizes with
 * {@code -Dkanban.test.long=true}; {@code -Dkanban.torture.writer-kills=N} sets the writer kills.
 */
class KillTortureTest {
  private static final boolean LONG = Boolean.getBoolean("kanban.test.long");
  /**
   * Writer kills in CI: each costs a JVM start (about 0.6 CPU-seconds), so 500 take several
   * minutes on two cores; the bench ({@code kanban bench crash}) runs 500, the long size 10,000.
   */
  static final int CI_WRITER_KILLS = 100;

  @TempDir Path dir;
  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

  @AfterEach
  void nothingLeftRunning() {
    List<LiveWorkers.Process> left = LiveWorkers.under(dir);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("processes the drill started and left behind").isEmpty();
    assertThat(left).as("worker processes left behind").isEmpty();
  }

  private ResultTable run(CrashDrill drill, BenchOptions options) throws Exception {
    ResultTable table = new ResultTable();
    try (PrintStream p = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      drill.run(options, table, p);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8) + "\n" + progress.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    assertThat(table.rows()).as(printed).filteredOn(r -> !r.result().isEmpty()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.result()).as(r.measurement()).isEqualTo("PASS"));
    return table;
  }

  private static String value(ResultTable table, String measurement) {
    return table.rows().stream().filter(r -> r.measurement().equals(measurement)).findFirst().orElseThrow().value();
  }

  @Test
  void writersKilledAtRandomInstantsLoseNoAcknowledgedWrite() throws Exception {
    String override = System.getProperty(WriterKillDrill.KILLS_PROPERTY);
    int kills = override != null ? Integer.parseInt(override) : LONG ? 10_000 : CI_WRITER_KILLS;
    ResultTable table = run(new WriterKillDrill(kills), new BenchOptions(dir, false, LONG, 1.0, 100));

    long direct = Long.parseLong(value(table, "writer kills: SIGKILLs, directly on the board"));
    long gateway = Long.parseLong(value(table, "writer kills: SIGKILLs, through a gateway"));
    assertThat(direct + gateway).isEqualTo(kills);
    assertThat(Long.parseLong(value(table, "writer kills: acknowledged writes checked"))).isGreaterThan(kills);
  }

  @Test
  void aGatewayKilledWhileDispatchingRunsEveryTaskExactlyOnce() throws Exception {
    GatewayKillDrill.Size size = LONG ? new GatewayKillDrill.Size(300, 50) : new GatewayKillDrill.Size(100, 10);
    ResultTable table = run(new GatewayKillDrill(size), new BenchOptions(dir, false, LONG, 1.0, 100));

    assertThat(value(table, "gateway kills: SIGKILLs of the gateway survived")).isEqualTo(Integer.toString(size.kills()));
    assertThat(value(table, "gateway kills: tasks (shell workers)")).isEqualTo(Integer.toString(size.tasks()));
  }

  @Test
  void quickSizesRunThroughTheCrashBenchmark() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean passed = new CrashBenchmark(new BenchOptions(dir, true, false, 1.0, 100),
        java.util.Set.of("writer-kills", "gateway-kills"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(passed).as(printed + progress.toString(StandardCharsets.UTF_8)).isTrue();
    assertThat(printed).contains("writer kills: lost acknowledged writes", "gateway kills: duplicate live workers observed");
    try (var left = java.nio.file.Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("work directories of drills that found nothing")
          .noneMatch(n -> n.startsWith("writer-kills-") || n.startsWith("gateway-kills-"));
    }
  }
}
