package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.config.KanbanConfig;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.Claim;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.testkit.TempHome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway SIGKILLed after starting a worker and before recording its PID in the run (found by
 * the gateway-kills torture, docs/CRASH-SAFETY.md): the board shows a run the gateway claimed with
 * no worker. The next gateway used to release it as "claimed, never started" and start a second
 * worker for the task while the first still ran. It now finds the worker by the environment the
 * worker contract gave it and adopts it, or, when it already exited, records how it ended; and a
 * CLI tick with no gateway up leaves such a run alone, however old its lease.
 */
class UnrecordedWorkerTest {
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

  /** Claims the task and starts its worker exactly as the gateway does, without recording it. */
  private Run launchUnrecorded(String taskId) throws Exception {
    Claim claim = board.claim(taskId, 3_000, Actor.person("gateway"));
    KanbanHome kh = new KanbanHome(home);
    RunLogs logs = new RunLogs(kh.logsDir("default"));
    Path workspace = Files.createDirectories(kh.workspacesDir("default").resolve(taskId));
    Path context = workspace.resolve(".kanban").resolve("context-" + taskId + ".md");
    Files.createDirectories(context.getParent());
    Files.writeString(context, board.context(taskId));
    long run = claim.run().id();
    new WorkerLauncher(System.getenv(), KanbanCli.launcherDir().toString()).launch(new WorkerLauncher.Request(
        "default", claim.view().task(), claim.run(), claim.runToken(),
        KanbanConfig.load(home.resolve("config.yaml")).assignee("sh"), workspace, context,
        logs.log(taskId, run), logs.exitFile(taskId, run), logs.script(taskId, run), "http://127.0.0.1:9", home));
    return claim.run();
  }

  private ServeProcess serve() {
    ServeProcess s = ServeProcess.start(home);
    serves.add(s);
    return s;
  }

  private long count(String id, EventKind kind) {
    return board.events(0, id, 10_000).stream().map(Event::kind).filter(k -> k == kind).count();
  }

  private static List<String> ledger(Path ledger) throws Exception {
    return Files.exists(ledger) ? Files.readAllLines(ledger) : List.of();
  }

  @Test
  void aLiveWorkerTheDeadGatewayNeverRecordedIsAdoptedNotStartedTwice() throws Exception {
    Path ledger = home.resolve("ledger");
    String id = board.create(task("started, not recorded", """
        echo "start $$" >> '%s'
        while [ ! -e go ]; do sleep 0.1; done
        echo "done" >> '%s'
        """.formatted(ledger, ledger), "sh")).view().id();
    Run run = launchUnrecorded(id);
    await().atMost(Duration.ofSeconds(30)).until(() -> ledger(ledger).size() == 1);
    // The CLI's tick with no gateway up, long after the lease ran out: the run stays the dispatcher's.
    Thread.sleep(3_100);
    assertThat(new KanbanCli(home).run("tick").exit()).isZero();
    assertThat(board.show(id, 0).view().task().status()).isEqualTo(Status.RUNNING);

    try (WorkerCensus census = new WorkerCensus(home)) {
      ServeProcess gateway = serve();
      await().atMost(Duration.ofSeconds(30)).until(() -> count(id, EventKind.WORKER_ADOPTED) == 1);
      Run adopted = board.runs(id).get(0);
      assertThat(adopted.id()).isEqualTo(run.id());
      assertThat(adopted.workerPid()).isNotNull();
      assertThat(Procs.alive(adopted.workerPid())).isTrue();
      // Several safety ticks: the gateway neither releases the run nor starts another worker.
      Thread.sleep(3_000);
      assertThat(board.runs(id)).hasSize(1);
      assertThat(ledger(ledger)).hasSize(1);

      Files.writeString(Path.of(adopted.workspacePath()).resolve("go"), "");
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> board.show(id, 0).view().task().status() == Status.DONE);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(board.events(0, id, 100) + "\n" + board.runs(id) + "\n" + gateway.output(), e);
      }
      assertThat(board.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.COMPLETED);
      assertThat(ledger(ledger)).hasSize(2).last().isEqualTo("done");
      assertThat(census.maxLiveRunsOfAnyTask()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void aWorkerThatExitedUnrecordedIsRecordedAsItEndedNotRunAgain() throws Exception {
    Path ledger = home.resolve("ledger");
    String id = board.create(task("started, not recorded, finished", """
        echo "start $$" >> '%s'
        echo "all good"
        """.formatted(ledger), "sh")).view().id();
    Run run = launchUnrecorded(id);
    Path exit = new RunLogs(new KanbanHome(home).logsDir("default")).exitFile(id, run.id());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(exit) && !Files.readString(exit).isBlank());

    ServeProcess gateway = serve();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> board.show(id, 0).view().task().status() == Status.DONE);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(board.events(0, id, 100) + "\n" + board.runs(id) + "\n" + gateway.output(), e);
    }
    assertThat(board.runs(id)).extracting(Run::outcome).containsExactly(RunOutcome.COMPLETED);
    assertThat(board.runs(id).get(0).summary()).startsWith("all good");
    assertThat(ledger(ledger)).hasSize(1);
    assertThat(count(id, EventKind.SPAWNED)).isZero();
  }
}
