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

  /** Counts probes; everything else is out of this test's scope. */
  private static final class ProbeCounter implements org.agentkanban.store.FileBackups {
    final java.nio.file.Path db;
    int probes;

    ProbeCounter(java.nio.file.Path db) {
      this.db = db;
    }

    @Override public void probe() {
      probes++;
    }

    @Override public java.nio.file.Path databaseFile() {
      return db;
    }

    @Override public Backup backupTo(java.nio.file.Path target, long now) {
      throw new UnsupportedOperationException();
    }

    @Override public long copyAsIsTo(java.nio.file.Path target) {
      throw new UnsupportedOperationException();
    }

    @Override public Integrity quickCheck() {
      throw new UnsupportedOperationException();
    }

    @Override public Integrity integrityCheck() {
      throw new UnsupportedOperationException();
    }

    @Override public Checkpoint checkpointPassive() {
      throw new UnsupportedOperationException();
    }

    @Override public long walBytes() {
      return 0;
    }

    @Override public String journalMode() {
      return "wal";
    }

    @Override public void reindex() {
      throw new UnsupportedOperationException();
    }
  }

  /** The per-second damage probe opens a connection only when the database file changed (a stat). */
  @Test
  void theProbeRunsOnlyWhenTheDatabaseFileChanged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path db = dir.resolve("board.db"); // a plain file: nothing here holds a connection to it
    java.nio.file.Files.write(db, new byte[4096]);
    ProbeCounter files = new ProbeCounter(db);
    BoardMaintenance probed = new BoardMaintenance("b", files, START);

    for (int i = 0; i < 5; i++) {
      probed.probe();
    }
    assertThat(files.probes).isEqualTo(1);

    try (var out = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 5); // same size, new change time
    }
    probed.probe();
    probed.probe();
    assertThat(files.probes).isEqualTo(2);
  }
}
