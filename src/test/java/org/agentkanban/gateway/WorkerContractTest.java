package org.agentkanban.gateway;

import static org.agentkanban.gateway.GatewayHarness.TESTER;
import static org.agentkanban.gateway.GatewayHarness.task;
import static org.agentkanban.gateway.GatewayHarness.withWorkspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.CreateTask;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker contract of docs/GATEWAY.md, observed from inside real workers and from /proc: the
 * environment, PATH, working directory, stdin, the context file, the open descriptors (nothing
 * of the gateway's, above all no database file), and the three workspace kinds.
 */
class WorkerContractTest {
  @TempDir Path home;
  @TempDir Path outside;
  private GatewayHarness h;

  private static final String CONFIG = """
      gateway:
        safety_tick: 1s
        lease_ttl: 3s
        stop_grace: 1s
      assignees:
        sh:
          type: shell
          env: {MODEL: "large", RUN_LABEL: "{board}-{run}"}
      """;

  @BeforeEach
  void start() {
    h = GatewayHarness.setup(home, CONFIG).api()
        .env("OUTER_SETTING", "inherited").env("KANBAN_GATEWAY_ONLY", "not for workers").start();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static Map<String, String> parseEnv(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void aWorkerGetsItsEnvironmentLauncherOnPathWorkspaceAsCwdStdinFromDevNullAndTheContextFile() throws Exception {
    String id = h.create(new CreateTask("contract check", """
        env > env.txt
        readlink /proc/$$/fd/0 > stdin.txt
        pwd -P > cwd.txt
        command -v kanban > kanban-path.txt
        echo ready > ready
        while [ ! -e go ]; do sleep 0.1; done
        """, "sh", null, null, "acme", null, null, false, null, null, null, null, TESTER));
    Run run = h.awaitWorker(id);
    Path ws = Path.of(run.workspacePath());
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(ws.resolve("ready")));

    Path scratch = new KanbanHome(home).workspacesDir("default").resolve(id);
    assertThat(ws).isEqualTo(scratch);
    Map<String, String> env = parseEnv(ws.resolve("env.txt"));
    assertThat(env).containsEntry("KANBAN_HOME", home.toString()).containsEntry("KANBAN_BOARD", "default")
        .containsEntry("KANBAN_TASK", id).containsEntry("KANBAN_RUN", Long.toString(run.id()))
        .containsEntry("KANBAN_URL", h.gateway.url()).containsEntry("KANBAN_WORKSPACE", ws.toString())
        .containsEntry("KANBAN_TENANT", "acme").containsEntry("KANBAN_ACTOR", "sh")
        .containsEntry("MODEL", "large").containsEntry("RUN_LABEL", "default-" + run.id())
        .containsEntry("OUTER_SETTING", "inherited").doesNotContainKey("KANBAN_GATEWAY_ONLY");
    assertThat(env.get("KANBAN_RUN_TOKEN")).isNotBlank();
    assertThat(env.get("PATH")).startsWith(KanbanCli.launcherDir() + ":");
    assertThat(Files.readString(ws.resolve("kanban-path.txt")).strip())
        .isEqualTo(KanbanCli.launcherDir().resolve("kanban").toString());
    assertThat(Files.readString(ws.resolve("stdin.txt")).strip()).isEqualTo("/dev/null");
    assertThat(Files.readString(ws.resolve("cwd.txt")).strip()).isEqualTo(ws.toRealPath().toString());
    Path context = Path.of(env.get("KANBAN_CONTEXT_FILE"));
    assertThat(context).isEqualTo(ws.resolve(".kanban").resolve("context-" + id + ".md"));
    assertThat(Files.readString(context)).contains("contract check").contains(id);

    // No descriptor of the gateway reaches a worker: only /dev/null, its log and its script.
    Path log = h.logs(id).resolve(run.id() + ".log");
    Path script = h.logs(id).resolve(run.id() + ".sh");
    List<Long> group = Procs.groupMembers(run.workerPid());
    assertThat(group).hasSizeGreaterThanOrEqualTo(2);
    for (long pid : group) {
      Map<Integer, String> fds = Procs.descriptors(pid);
      if (!Procs.alive(pid)) {
        continue; // a short-lived `sleep 0.1` that has just exited
      }
      assertThat(fds.values()).as("descriptors of pid " + pid + ": " + fds)
          .noneMatch(t -> t.contains("board.db"))
          .allMatch(t -> t.equals("/dev/null") || t.equals(log.toString()) || t.equals(script.toString()));
      assertThat(fds.get(0)).isEqualTo("/dev/null");
      assertThat(fds.get(1)).isEqualTo(log.toString());
      assertThat(fds.get(2)).isEqualTo(log.toString());
    }
    Files.writeString(ws.resolve("go"), "");
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(20));
  }

  @Test
  void aDirWorkspaceIsCreatedAndNeverDeletedAndAScratchOneLivesUnderTheBoard() throws Exception {
    Path dir = outside.resolve("projects").resolve("site");
    String inDir = h.create(withWorkspace(task("in a dir", "echo kept > result.txt", "sh"), Workspace.parse("dir:" + dir)));
    String inScratch = h.shell("sh", "echo scratch > result.txt");
    h.awaitStatus(inDir, Status.DONE, Duration.ofSeconds(20));
    h.awaitStatus(inScratch, Status.DONE, Duration.ofSeconds(20));
    assertThat(h.runs(inDir).get(0).workspacePath()).isEqualTo(dir.toString());
    assertThat(dir.resolve("result.txt")).hasContent("kept");
    assertThat(h.runs(inScratch).get(0).workspacePath())
        .isEqualTo(new KanbanHome(home).workspacesDir("default").resolve(inScratch).toString());

    KanbanCli.Result archive = h.cli().run("archive", inDir, inScratch);
    assertThat(archive.exit()).as(archive.toString()).isZero();
    assertThat(dir.resolve("result.txt")).hasContent("kept");
  }

  @Test
  void aWorktreeWorkspaceIsAGitWorktreeOnBranchKanbanTask() throws Exception {
    Path repo = outside.resolve("repo");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("README"), "hello\n");
    git(repo, "add", "README");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
    String id = h.create(withWorkspace(task("in a worktree", """
        git rev-parse --abbrev-ref HEAD > branch.txt
        cat README > seen.txt
        """, "sh"), Workspace.parse("worktree:" + repo)));
    h.awaitStatus(id, Status.DONE, Duration.ofSeconds(30));
    Path wt = repo.resolve(".worktrees").resolve(id);
    assertThat(h.runs(id).get(0).workspacePath()).isEqualTo(wt.toString());
    assertThat(wt.resolve("branch.txt")).hasContent("kanban/" + id);
    assertThat(wt.resolve("seen.txt")).hasContent("hello");
    assertThat(git(repo, "worktree", "list")).contains(wt.toString()).contains("[kanban/" + id + "]");
  }

  private static String git(Path repo, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
