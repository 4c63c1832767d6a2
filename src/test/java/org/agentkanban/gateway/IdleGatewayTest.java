package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.BoardStoreFactory;
import org.agentkanban.store.StoreTarget;
import org.agentkanban.store.sqlite.SqliteOptions;
import org.agentkanban.store.sqlite.SqliteStoreFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle gateway costs next to nothing (issue 3: ≤ 1 % of a core with 10 boards): its housekeeping
 * looks for new boards every second by name, and must neither open every board's database to do so
 * (it did: listing the boards with their task counts opened and closed each one) nor read the
 * board.yaml of boards it has open (it did: checking that a board exists parses its board.yaml).
 */
class IdleGatewayTest {
  @TempDir Path home;

  /** Counts every store opened through it. */
  private static final class CountingStores implements BoardStoreFactory {
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger existenceChecks = new AtomicInteger();
    private final SqliteStoreFactory real = new SqliteStoreFactory(Clock.SYSTEM, SqliteOptions.defaults());

    @Override
    public BoardStore open(StoreTarget target, boolean create) {
      opens.incrementAndGet();
      return real.open(target, create);
    }

    @Override
    public boolean exists(StoreTarget target) {
      existenceChecks.incrementAndGet();
      return real.exists(target);
    }

    @Override
    public Optional<BoardRecovery> recovery() {
      return real.recovery();
    }
  }

  @Test
  void anIdleGatewayNeitherOpensNorChecksItsBoardsAgainAfterStarting() throws Exception {
    CountingStores stores = new CountingStores();
    Boards boards = new Boards(new KanbanHome(home), stores, Clock.SYSTEM, ServiceSettings.defaults());
    for (String slug : new String[] {"alpha", "beta", "gamma"}) {
      boards.create(slug, null, null, false, BoardListener.NONE).close();
    }
    Gateway gateway = new Gateway(new KanbanHome(home), boards, Map.of(), Clock.SYSTEM,
        new Gateway.Options("127.0.0.1", 0, null, null), null);
    try {
      gateway.start();
      assertThat(gateway.health().boards()).hasSize(4);
      int afterStart = stores.opens.get();
      int checkedAfterStart = stores.existenceChecks.get();

      Thread.sleep(2_500); // two and a half rounds of the once-a-second housekeeping

      assertThat(stores.opens.get()).as("stores opened while idle").isEqualTo(afterStart);
      // (a check reads and parses the board's board.yaml: 10 boards made that the idle gateway's main cost)
      assertThat(stores.existenceChecks.get()).as("open boards checked for existence while idle").isEqualTo(checkedAfterStart);
      assertThat(gateway.health().boards()).hasSize(4);
    } finally {
      gateway.stop(true);
    }
  }
}
