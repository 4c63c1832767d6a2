package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.store.StoreUnavailableException.Cause;
import org.junit.jupiter.api.Test;

/**
 * A board's health across transient faults: degraded with a backoff of seconds, healthy again the
 * moment the kind of operation that failed succeeds; only SQLite's word of damage is damage.
 */
class BoardHealthTest {
  private static StoreUnavailableException fault(Cause cause, String message) {
    return new StoreUnavailableException(cause, message, null);
  }

  @Test
  void aFailedWriteIsClearedOnlyByAWriteNotByTheReadsAFullDiskStillServes() {
    BoardHealth h = new BoardHealth();
    h.failed(fault(Cause.IO, "database or disk is full"), 1_000, true);
    assertThat(h.state()).isEqualTo(BoardHealth.State.DEGRADED);

    h.succeeded(1_100, false);
    assertThat(h.state()).as("a poll that read the board says nothing about writes").isEqualTo(BoardHealth.State.DEGRADED);
    assertThat(h.cause()).contains("full");

    h.succeeded(1_200, true);
    assertThat(h.state()).isEqualTo(BoardHealth.State.HEALTHY);
    assertThat(h.cause()).isNull();
    assertThat(h.since()).isEqualTo(1_200);
  }

  @Test
  void aFailedReadIsClearedByAnySuccess() {
    BoardHealth h = new BoardHealth();
    h.failed(fault(Cause.BUSY, "board is busy"), 1_000, false);
    h.succeeded(1_050, false);
    assertThat(h.state()).isEqualTo(BoardHealth.State.HEALTHY);
  }

  @Test
  void backoffGrowsToTwoSecondsAndTheSameFailureReportedTwiceCountsOnce() {
    BoardHealth h = new BoardHealth();
    StoreUnavailableException first = fault(Cause.IO, "read-only file system");
    assertThat(h.failed(first, 0, true)).isEqualTo(250);
    assertThat(h.failed(first, 0, false)).as("the write path and the pass it broke report one failure").isEqualTo(250);
    assertThat(h.failed(fault(Cause.IO, "again"), 0, false)).isEqualTo(500);
    assertThat(h.failed(fault(Cause.IO, "again"), 0, false)).isEqualTo(1_000);
    assertThat(h.failed(fault(Cause.IO, "again"), 0, false)).isEqualTo(2_000);
    assertThat(h.failed(fault(Cause.IO, "again"), 0, false)).isEqualTo(2_000);
    assertThat(h.faults()).isEqualTo(5);
    h.succeeded(0, true);
    assertThat(h.failed(fault(Cause.IO, "later"), 0, false)).as("backoff starts over after a success").isEqualTo(250);
  }

  @Test
  void onlyDamageMakesABoardUnavailableForRestoreAndARefusedBoardIsNeverRestored() {
    for (Cause transientCause : new Cause[] {Cause.BUSY, Cause.IO}) {
      BoardHealth h = new BoardHealth();
      assertThat(h.failed(fault(transientCause, "x"), 0, true)).isPositive();
      assertThat(h.state()).isEqualTo(BoardHealth.State.DEGRADED);
    }
    BoardHealth damaged = new BoardHealth();
    StoreUnavailableException corrupt = fault(Cause.CORRUPT, "database disk image is malformed");
    assertThat(damaged.failed(corrupt, 0, false)).isNegative();
    assertThat(damaged.state()).isEqualTo(BoardHealth.State.UNAVAILABLE);
    assertThat(BoardHealth.isDamage(corrupt)).isTrue();
    assertThat(damaged.action()).contains("restores the newest verified backup");

    BoardHealth refused = new BoardHealth();
    StoreUnavailableException wrongMode = fault(Cause.UNUSABLE, "journal mode 'delete', not WAL");
    assertThat(refused.failed(wrongMode, 0, false)).isNegative();
    assertThat(refused.state()).isEqualTo(BoardHealth.State.UNAVAILABLE);
    assertThat(BoardHealth.isDamage(wrongMode)).as("never auto-restored").isFalse();
    assertThat(refused.action()).contains("nothing is restored automatically");
    assertThat(BoardHealth.isDamage(fault(Cause.IO, "database or disk is full"))).isFalse();
  }
}
