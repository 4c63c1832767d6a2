package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.agentkanban.config.GatewaySettings;
import org.junit.jupiter.api.Test;

/**
 * The housekeeping asks every board each second whether a scheduled backup is due. Reading the
 * board to answer costs a transaction, so it happens only once the interval has passed, and for a
 * board that has not changed no more than once per {@link BoardMaintenance#UNCHANGED_RECHECK_MS}.
 */
class BoardMaintenanceTest {
  private static final long START = 1_000_000;
  private final GatewaySettings g = GatewaySettings.defaults();
  private final BoardMaintenance m = new BoardMaintenance("b", null, START);
  private final AtomicInteger reads = new AtomicInteger();
  private long lastEventId = -1;
  private final LongSupplier board = () -> {
    reads.incrementAndGet();
    return lastEventId;
  };

  @Test
  void theBoardIsNotReadBeforeTheIntervalPassed() {
    for (long t = START; t < START + g.backupIntervalMs(); t += 1_000) {
      assertThat(m.backupDue(g, t, board)).isFalse();
    }
    assertThat(reads).hasValue(0);
  }

  @Test
  void anUnchangedBoardIsReadAgainOnlyAfterTheRecheckGap() {
    long due = START + g.backupIntervalMs();
    assertThat(m.backupDue(g, due, board)).isFalse();
    assertThat(reads).hasValue(1);

    for (long t = due + 1_000; t < due + BoardMaintenance.UNCHANGED_RECHECK_MS; t += 1_000) {
      assertThat(m.backupDue(g, t, board)).isFalse();
    }
    assertThat(reads).hasValue(1);

    lastEventId = 42;
    assertThat(m.backupDue(g, due + BoardMaintenance.UNCHANGED_RECHECK_MS, board)).isTrue();
    assertThat(reads).hasValue(2);
  }

  @Test
  void aChangedBoardIsDueAsSoonAsTheIntervalPassed() {
    lastEventId = 7;
    assertThat(m.backupDue(g, START + g.backupIntervalMs(), board)).isTrue();
  }
}
