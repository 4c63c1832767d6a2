package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private static Task task(Integer maxRetries) {
    return Task.builder("t_breaker01", "t", 0).maxRetries(maxRetries).build();
  }

  @Test
  void byDefaultATaskGivesUpOnTheThirdConsecutiveFailure() {
    int max = CircuitBreaker.DEFAULT_MAX_RETRIES;

    assertThat(max).isEqualTo(2);
    assertThat(CircuitBreaker.tripsAfterFailure(1, max)).isFalse();
    assertThat(CircuitBreaker.tripsAfterFailure(2, max)).isFalse();
    assertThat(CircuitBreaker.tripsAfterFailure(3, max)).isTrue();
  }

  @Test
  void zeroRetriesGivesUpOnTheFirstFailure() {
    assertThat(CircuitBreaker.tripsAfterFailure(1, 0)).isTrue();
  }

  @Test
  void theTasksOwnMaxRetriesWinsOverTheBoardDefault() {
    assertThat(CircuitBreaker.effectiveMaxRetries(task(5), 2)).isEqualTo(5);
    assertThat(CircuitBreaker.effectiveMaxRetries(task(0), 2)).isZero();
    assertThat(CircuitBreaker.effectiveMaxRetries(task(null), 7)).isEqualTo(7);
  }

  @Test
  void protocolViolationsTripAtThreeInARow() {
    assertThat(CircuitBreaker.PROTOCOL_VIOLATION_LIMIT).isEqualTo(3);
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(2, null)).isFalse();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(3, null)).isTrue();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(3, 10)).isTrue();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(2, 10)).isFalse();
  }

  @Test
  void protocolViolationsTripAtMaxRetriesPlusOneWhenThatIsLower() {
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(1, 0)).isTrue();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(1, 1)).isFalse();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(2, 1)).isTrue();
    assertThat(CircuitBreaker.tripsAfterProtocolViolation(2, 2)).isFalse();
  }

  @Test
  void rateLimitsTripOnlyPastTwentyRequeuesInSixHours() {
    assertThat(CircuitBreaker.RATE_LIMIT_MAX_REQUEUES).isEqualTo(20);
    assertThat(CircuitBreaker.RATE_LIMIT_WINDOW_MS).isEqualTo(6 * 3_600_000L);
    assertThat(CircuitBreaker.tripsAfterRateLimit(20)).isFalse();
    assertThat(CircuitBreaker.tripsAfterRateLimit(21)).isTrue();
  }

  @Test
  void onlyCrashesTimeoutsAndSpawnFailuresCountAsFailures() {
    for (RunOutcome o : RunOutcome.values()) {
      boolean expected = o == RunOutcome.CRASHED || o == RunOutcome.TIMED_OUT || o == RunOutcome.SPAWN_FAILED;
      assertThat(o.countsAsFailure()).as(o.wire()).isEqualTo(expected);
    }
  }

  @Test
  void resetClearsFailuresViolationsAndTheLastErrorButNothingElse() {
    Task t = task(4).toBuilder().consecutiveFailures(3).protocolViolations(2).lastFailureError("boom")
        .blockKind(BlockKind.CAPABILITY).blockRecurrences(1).build();

    Task reset = CircuitBreaker.reset(t.toBuilder()).build();

    assertThat(reset.consecutiveFailures()).isZero();
    assertThat(reset.protocolViolations()).isZero();
    assertThat(reset.lastFailureError()).isNull();
    assertThat(reset.maxRetries()).isEqualTo(4);
    assertThat(reset.blockKind()).isEqualTo(BlockKind.CAPABILITY);
    assertThat(reset.blockRecurrences()).isEqualTo(1);
  }
}
