package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentkanban.store.sqlite.SqliteStore;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer connection per board per process: while a gateway serves writes, board listings,
 * backups and checkpoints, it never holds a second writer connection on a board (listing boards
 * used to open a second store on every board it held).
 */
class OneWriterPerBoardTest {
  @TempDir Path home;

  @Test
  void theGatewayHoldsExactlyOneWriterConnectionPerBoardWhateverItServes() throws Exception {
    try (GatewayHarness h = GatewayHarness.setup(home, "gateway:\n  safety_tick: 1s\n  checkpoint_wal_bytes: 65536\n")
        .api().start()) {
      TestHttp http = new TestHttp(h.gateway.url()).bearer(h.gateway.adminToken());
      assertThat(http.post("/api/v1/boards", Map.of("slug", "second")).status()).isEqualTo(201);
      Path[] dbs = {home.resolve("boards/default/board.db"), home.resolve("boards/second/board.db")};
      org.awaitility.Awaitility.await().until(() -> SqliteStore.writerConnections(dbs[1]) == 1);

      AtomicBoolean sampling = new AtomicBoolean(true);
      AtomicInteger most = new AtomicInteger();
      Thread sampler = new Thread(() -> {
        while (sampling.get()) {
          for (Path db : dbs) {
            most.accumulateAndGet(SqliteStore.writerConnections(db), Math::max);
          }
          java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
      });
      sampler.start();
      for (int i = 0; i < 12; i++) {
        for (String board : new String[] {"default", "second"}) {
          assertThat(http.post("/api/v1/boards/" + board + "/tasks", Map.of("title", "t" + i, "body", "x".repeat(3000)))
              .status()).isEqualTo(201);
        }
        assertThat(http.get("/api/v1/boards").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/boards/second").status()).isEqualTo(200);
      }
      assertThat(http.post("/api/v1/boards/default/backups", Map.of()).status()).isEqualTo(201);
      Thread.sleep(1_500); // a housekeeping round: checkpoints after the burst
      sampling.set(false);
      sampler.join();

      assertThat(most.get()).as("writer connections on one board at any moment").isEqualTo(1);
      for (Path db : dbs) {
        assertThat(SqliteStore.writerConnections(db)).isEqualTo(1);
      }
    }
    assertThat(SqliteStore.writerConnections(home.resolve("boards/default/board.db"))).isZero();
  }
}
