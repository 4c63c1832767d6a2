package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.testkit.TempHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway ({@code kanban serve}, a real process) is SIGKILLed while its workers run, and a new
 * one starts: the live workers are adopted (not started again), how they end is recorded by the
 * new gateway from the exit status the launch wrapper wrote, and a run claimed but never started
 * is released. Field scenario 20's "no row left running without an owner", across a crash.
 */
class GatewayRestartTest {
  @TempDir Path home;
  private LocalBoardService board;
  private final List<ServeProcess> serves = new ArrayList<>();

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
      """;

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(home.resolve("config.yaml"), CONFIG);
    Boards boards = TempHome.boards(home, Clock.SYSTEM, ServiceSettings.defaults(), true);
    board = boards.open("default", BoardListener.NONE);
  }

  @AfterEach
  void tearDown() {
    serves.forEach(ServeProcess::close);
    Procs.killAllOf(home);
    board.close();
  }

  private ServeProcess serve() {
    ServeProcess s = ServeProcess.start(home);
    serves.add(s);
    return s;
  }

  private Task taskOf(String id) {
    return board.show(id, 0).view().task();
  }

  private Run workerOf(String id) {
    await().atMost(Duration.ofSeconds(60)).until(() -> board.runs(id).stream().anyMatch(r -> r.workerPid() != null));
    return board.runs(id).get(0);
  }

  private long count(String id, EventKind kind) {
    return board.events(0, id, 10_000).stream().map(Event::kind).filter(k -> k == kind).count();
  }

  @Test
  void afterASigkilledGatewayTheNextAdoptsLiveWorkersRecordsTheirEndsAndReleasesUnstartedClaims() throws Exception {
    String waits = """
        while [ ! -e go ]; do sleep 0.1; done
        echo "worker $KANBAN_RUN finished"
        exit EXIT
        """;
    String ok = board.create(task("completes after the crash", waits.replace("EXIT", "0"), "sh")).view().id();
    String crash = board.create(withRetries(task("crashes after the crash", waits.replace("EXIT", "3"), "sh"), 0))
        .view().id();
    ServeProcess first = serve();
    Run okRun = workerOf(ok);
    Run crashRun = workerOf(crash);

    first.kill();
    assertThat(Procs.alive(okRun.workerPid())).isTrue();
    assertThat(Procs.alive(crashRun.workerPid())).isTrue();
    assertThat(taskOf(ok).status()).isEqualTo(Status.RUNNING);

    // A claim the dead gateway made but never started a worker for.
    String orphan = board.create(task("claimed, never started", "echo started at last", "sh")).view().id();
    board.claim(orphan, 3_000, Actor.person("gateway"));

    try (WorkerCensus census = new WorkerCensus(home)) {
      ServeProcess second = serve();
      await().atMost(Duration.ofSeconds(30)).until(() -> count(ok, EventKind.WORKER_ADOPTED) == 1
          && count(crash, EventKind.WORKER_ADOPTED) == 1);
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> taskOf(orphan).status() == Status.DONE);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(board.events(0, orphan, 100) + "\n" + board.runs(orphan) + "\n" + second.output(), e);
      }
      assertThat(board.runs(orphan)).extracting(Run::outcome).containsExactly(RunOutcome.RECLAIMED, RunOutcome.COMPLETED);
      assertThat(board.runs(orphan).get(0).error()).contains("between claiming the task and starting its worker");

      Files.writeString(Path.of(okRun.workspacePath()).resolve("go"), "");
      Files.writeString(Path.of(crashRun.workspacePath()).resolve("go"), "");
      await().atMost(Duration.ofSeconds(30)).until(() -> taskOf(ok).status() == Status.DONE
          && taskOf(crash).status() == Status.BLOCKED);

      assertThat(board.runs(ok)).hasSize(1);
      assertThat(board.runs(ok).get(0).outcome()).isEqualTo(RunOutcome.COMPLETED);
      assertThat(board.runs(ok).get(0).summary()).startsWith("worker " + okRun.id() + " finished");
      assertThat(board.runs(crash)).hasSize(1);
      Run crashed = board.runs(crash).get(0);
      assertThat(crashed.outcome()).isEqualTo(RunOutcome.GAVE_UP);
      assertThat(crashed.exitCode()).isEqualTo(3);
      assertThat(crashed.error()).contains("exited with code 3");
      assertThat(count(ok, EventKind.SPAWNED)).isEqualTo(1);
      assertThat(count(crash, EventKind.SPAWNED)).isEqualTo(1);
      assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);

      second.stop();
      assertThat(second.output()).as("exit " + second.exitValue()).contains("gateway stopped");
    }
    assertThat(GatewayHarness.integrityCheck(home, "default")).isEqualTo("ok");
  }
}
