package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.testkit.TestHttp;
import org.agentkanban.testkit.TestSse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway owns checkpoints: with a dashboard's SSE stream connected, bursts of writes from
 * another connection are checkpointed (PASSIVE) as soon as the WAL passes
 * {@code gateway.checkpoint_wal_bytes}, so the WAL restarts instead of growing with everything
 * written; when the board goes quiet it is checkpointed again; and the WAL size it watches is the
 * one {@code /api/v1/health}, {@code /metrics} and {@code kanban doctor} show, and a stat sees.
 */
class CheckpointOwnershipTest {
  @TempDir Path home;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        checkpoint_wal_bytes: 131072
        backup_interval: 1h
      """;
  private static final Pattern CHECKPOINTS = Pattern.compile(
      "(?m)^kanban_checkpoints_total\\{board=\"default\"[^}]*} ([0-9.eE+]+)$");
  private static final Pattern WAL = Pattern.compile("(?m)^kanban_board_wal_bytes\\{board=\"default\"[^}]*} ([0-9.eE+]+)$");

  private long walStat() throws Exception {
    Path wal = home.resolve("boards/default/board.db-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  private static long metric(TestHttp http, Pattern p) {
    Matcher m = p.matcher(http.get("/metrics").body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void burstsAndQuietSpellsAreCheckpointedSoTheWalStaysSmallWhileADashboardWatches() throws Exception {
    try (GatewayHarness h = GatewayHarness.setup(home, CONFIG).api().start()) {
      String url = h.gateway.url();
      TestHttp http = new TestHttp(url).bearer(h.gateway.adminToken());
      LocalBoardService writer = h.board();
      try (TestSse dashboard = new TestSse(url + "/api/v1/boards/default/events",
          Map.of("Authorization", "Bearer " + h.gateway.adminToken()))) {
        String body = "x".repeat(10_000);
        long committedBodyBytes = 0;
        long walHighWater = 0;
        for (int round = 0; round < 14; round++) {
          for (int i = 0; i < 15; i++) {
            writer.create(GatewayHarness.task("burst " + round + "." + i, body, null));
            committedBodyBytes += body.length();
          }
          walHighWater = Math.max(walHighWater, walStat());
          Thread.sleep(1_300); // the gateway looks at the WAL every second
          walHighWater = Math.max(walHighWater, walStat());
        }
        long afterBursts = metric(http, CHECKPOINTS);
        assertThat(afterBursts).as("burst checkpoints").isGreaterThanOrEqualTo(3);
        assertThat(committedBodyBytes).isGreaterThan(2L << 20);
        assertThat(walHighWater).as("the WAL restarted after checkpoints instead of holding all %d bytes written",
            committedBodyBytes).isLessThan(committedBodyBytes / 2);
        assertThat(dashboard.messages).as("the dashboard was fed meanwhile").isNotEmpty();

        // Quiet now: the idle checkpoint follows within the idle time and the minimum gap.
        await().atMost(Duration.ofSeconds(20)).until(() -> metric(http, CHECKPOINTS) > afterBursts);
      }

      long stat = walStat();
      assertThat(stat).isPositive();
      JsonNode board = null;
      for (JsonNode b : http.get("/api/v1/health").json().path("boards")) {
        if (b.path("board").asText().equals("default")) {
          board = b;
        }
      }
      assertThat(board).isNotNull();
      assertThat(board.path("wal_bytes").asLong()).isEqualTo(stat);
      assertThat(metric(http, WAL)).isEqualTo(stat);
      KanbanCli.Result doctor = new KanbanCli(home).run("doctor");
      assertThat(doctor.out()).contains("wal size").contains(stat + " bytes");
    }
  }
}
