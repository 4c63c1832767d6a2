package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Field scenarios 3 (spawn-crash loop), 12 (clean exit without a terminal call, rate limits) and 13
 * (the breaker is not reset by automatic recovery), and spawn failures, with real worker processes.
 * Every attempt is counted in the database, so the bounds are exact.
 */
class RetryBudgetTest {
  @TempDir Path home;
  private GatewayHarness h;
  private WorkerCensus census;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
        rate_limit_cooldown: 50ms
      assignees:
        sh:
          type: shell
          max_concurrent: 8
        lazy:
          command: ["/bin/sh", "-c", "echo looked at $KANBAN_TASK but reported nothing; exit 0"]
        ghost:
          command: ["kanban-no-such-binary-for-tests", "{task}"]
        flaky:
          command: ["/bin/sh", "-c", "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; case $n in 1|4) exit 75;; 3) exit 0;; *) exit 3;; esac"]
      """;

  private void start(String config) {
    h = new GatewayHarness(home, config);
    census = new WorkerCensus(home);
  }

  @AfterEach
  void tearDown() {
    if (census != null) {
      census.close();
    }
    if (h != null) {
      h.close();
    }
  }

  private List<RunOutcome> outcomes(String id) {
    List<RunOutcome> out = new ArrayList<>();
    for (Run r : h.runs(id)) {
      out.add(r.outcome());
    }
    return out;
  }

  /** Nothing more happens to the task over several safety ticks. */
  private void assertQuietFor(String id, int runs) {
    await().during(Duration.ofMillis(3_000)).atMost(Duration.ofSeconds(6))
        .until(() -> h.runs(id).size() == runs && h.status(id) == Status.BLOCKED);
    assertThat(h.events(id, EventKind.CLAIMED)).hasSize(runs);
  }

  /** Six tasks; sixty with {@code -Dkanban.test.long=true}. */
  @Test
  void workersThatCrashAtOnceAreBlockedAfterMaxRetriesPlusOneAttemptsAndNeverSpawnedAgain() {
    start(CONFIG);
    List<String> ids = new ArrayList<>();
    int tasks = Boolean.getBoolean("kanban.test.long") ? 60 : 6;
    for (int i = 0; i < tasks; i++) {
      ids.add(h.shell("sh", "echo crash $KANBAN_RUN; exit 1"));
    }
    for (String id : ids) {
      h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(tasks * 10L));
    }
    for (String id : ids) {
      assertThat(outcomes(id)).containsExactly(RunOutcome.CRASHED, RunOutcome.CRASHED, RunOutcome.GAVE_UP);
      assertThat(h.task(id).blockReason()).contains("gave up").contains("exited with code 1");
    }
    assertQuietFor(ids.get(0), 3);
    assertThat(ids.stream().mapToInt(id -> h.runs(id).size()).sum()).isEqualTo(3 * tasks);
    assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }

  @Test
  void theConfiguredDefaultMaxRetriesIsTheBudgetOfTasksThatSetNone() {
    start(CONFIG.replace("assignees:", "defaults:\n  max_retries: 1\nassignees:"));
    String id = h.shell("sh", "exit 2");
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(30));
    assertThat(outcomes(id)).containsExactly(RunOutcome.CRASHED, RunOutcome.GAVE_UP);
  }

  @Test
  void aCommandThatDoesNotExistIsCountedAsSpawnFailedThenBlockedWithAClearReason() {
    start(CONFIG);
    String id = h.create(task("no binary", null, "ghost"));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(30));
    assertThat(outcomes(id)).containsExactly(RunOutcome.SPAWN_FAILED, RunOutcome.SPAWN_FAILED, RunOutcome.GAVE_UP);
    assertThat(h.task(id).blockReason()).contains("command not found").contains("kanban-no-such-binary-for-tests");
    assertThat(h.events(id, EventKind.SPAWN_FAILED)).hasSize(3);
    assertQuietFor(id, 3);
  }

  @Test
  void aCleanExitWithoutATerminalCallIsAProtocolViolationWithTheLogTailAndThreeInARowBlock() {
    start(CONFIG);
    String id = h.create(task("lazy", null, "lazy"));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(30));
    assertThat(outcomes(id)).containsExactly(RunOutcome.PROTOCOL_VIOLATION, RunOutcome.PROTOCOL_VIOLATION,
        RunOutcome.GAVE_UP);
    assertThat(h.runs(id).get(0).error()).contains("exited 0 without calling complete")
        .contains("looked at " + id + " but reported nothing");
    assertThat(h.task(id).blockReason()).contains("3 runs in a row");
    assertThat(h.task(id).consecutiveFailures()).isZero();
    assertQuietFor(id, 3);
  }

  @Test
  void exit75IsRateLimitedParkedInScheduledAndNotCountedAsAFailure() {
    start(CONFIG.replace("rate_limit_cooldown: 50ms", "rate_limit_cooldown: 1h"));
    String id = h.create(withRetries(task("rate limited", "echo 429 from provider; exit 75", "sh"), 0));
    h.awaitStatus(id, Status.SCHEDULED, Duration.ofSeconds(30));
    var t = h.task(id);
    assertThat(t.consecutiveFailures()).isZero();
    assertThat(t.scheduledAt()).isGreaterThan(System.currentTimeMillis() + 50 * 60_000L);
    assertThat(outcomes(id)).containsExactly(RunOutcome.RATE_LIMITED);
    assertThat(h.runs(id).get(0).error()).contains("exited 75").contains("429 from provider");
    assertThat(h.events(id, EventKind.RATE_LIMITED)).hasSize(1);
  }

  @Test
  void rateLimitRequeuesAreBoundedTwentyInSixHoursThenTheTaskIsBlocked() {
    start(CONFIG);
    String id = h.create(withRetries(task("always 429", "exit 75", "sh"), 0));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(90));
    List<RunOutcome> o = outcomes(id);
    assertThat(o).hasSize(21);
    assertThat(o.subList(0, 20)).containsOnly(RunOutcome.RATE_LIMITED);
    assertThat(o.get(20)).isEqualTo(RunOutcome.GAVE_UP);
    assertThat(h.task(id).blockReason()).contains("21 rate-limit requeues");
    assertQuietFor(id, 21);
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }

  @Test
  void theBreakerIsNotResetByRateLimitsViolationsOrSchedulePromotionsAndABlockedTaskStaysBlocked() {
    start(CONFIG);
    String id = h.create(task("fails deterministically", null, "flaky"));
    h.awaitStatus(id, Status.BLOCKED, Duration.ofSeconds(60));
    // 75 (not counted), 3 (1), 0 violation (own streak), 75 (not counted, promoted back by the
    // schedule), 3 (2), 3 (3 > max_retries 2): blocked
    assertThat(outcomes(id)).containsExactly(RunOutcome.RATE_LIMITED, RunOutcome.CRASHED,
        RunOutcome.PROTOCOL_VIOLATION, RunOutcome.RATE_LIMITED, RunOutcome.CRASHED, RunOutcome.GAVE_UP);
    assertThat(h.events(id, EventKind.SCHEDULE_DUE)).hasSize(2);
    assertThat(h.events(id, EventKind.GAVE_UP)).hasSize(1);
    assertQuietFor(id, 6);
    assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
    assertThat(h.integrityCheck("default")).isEqualTo("ok");
  }
}
