package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.agentkanban.bench.Damage;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.BoardListener;
import org.agentkanban.service.Boards;
import org.agentkanban.service.CreateTask;
import org.agentkanban.service.LocalBoardService;
import org.agentkanban.service.ServiceSettings;
import org.agentkanban.store.FileBackups;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.testkit.TempHome;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's damage torture with the gateway stopped: the files are damaged by a separate process,
 * then the gateway starts. Header damage, truncation and a zeroed index page are found when the
 * gateway opens the board (SQLITE_NOTADB / SQLITE_CORRUPT / quick_check); with auto_restore the
 * board is moved aside once and restored with the loss window recorded, and dispatches again; with
 * auto_restore off it stays unavailable, and health, {@code kanban gateway status}, the API (503)
 * and the CLI (exit 5) all say why and what to do, until {@code kanban restore} through the
 * gateway. A -wal deleted while nothing runs is invisible: the commits in it are simply gone.
 */
class DamageAtStartTest {
  @TempDir Path home;
  private DamageScene scene;

  @AfterEach
  void tearDown() {
    if (scene != null) {
      scene.close();
    }
  }

  /** A board with one task in its newest backup and one after it (the loss window); returns the latter. */
  private static String boardWithBackup(Boards boards, String slug) {
    try (LocalBoardService b = boards.create(slug, null, null, false, BoardListener.NONE)) {
      b.create(GatewayHarness.task("in-backup", "echo in-backup", "sh"));
      Backups.take((FileBackups) b.store(), boards.target(slug), boards.recovery().orElseThrow(), 12,
          System.currentTimeMillis());
      return b.create(GatewayHarness.task("after-backup", "echo after-backup", "sh")).view().id();
    }
  }

  private static Boards boards(Path home) {
    return TempHome.boards(home, Clock.SYSTEM, ServiceSettings.defaults(), true);
  }

  @Test
  void damageFoundAtStartIsMovedAsideOnceAndRestoredWithTheLossWindowAndEveryBoardDispatches() throws Exception {
    List<Damage> found = List.of(Damage.HEADER, Damage.TRUNCATE, Damage.INDEX_PAGE);
    found.forEach(d -> Assumptions.assumeTrue(d.available(), d.command(Path.of("x")).get(0) + " is not installed"));
    scene = new DamageScene(home, DamageScene.config(true));
    Boards boards = boards(home);
    Map<Damage, String> lost = new java.util.EnumMap<>(Damage.class);
    for (Damage d : found) {
      lost.put(d, boardWithBackup(boards, d.wire()));
    }
    boardWithBackup(boards, "other");
    for (Damage d : found) {
      d.apply(scene.db(d.wire()));
    }

    scene.start();
    for (Damage d : found) {
      await().atMost(Duration.ofSeconds(30)).until(() -> scene.events(d.wire(), "board_restored").size() == 1);
      JsonNode payload = scene.events(d.wire(), "board_restored").get(0).path("payload");
      assertThat(payload.path("cause").asText()).as(d.description()).contains("auto-restore after");
      assertThat(payload.path("last_event_id_kept").asLong()).isPositive();
      assertThat(payload.path("lost_until").asLong()).isGreaterThanOrEqualTo(payload.path("lost_from").asLong());
      assertThat(scene.status(d.wire(), lost.get(d))).as("created after the backup: lost").isEqualTo("HTTP 404");
    }
    Thread.sleep(3_000); // three safety ticks: each damage is moved aside once, not once per tick
    for (Damage d : found) {
      assertThat(scene.quarantined(d.wire())).as(d.description()).isEqualTo(1);
      assertThat(scene.events(d.wire(), "board_restored")).hasSize(1);
      assertThat(scene.boardHealth(d.wire()).path("status").asText()).isEqualTo("healthy");
      scene.dispatches(d.wire(), "resumed");
    }
    scene.dispatches("other", "other");
    assertThat(scene.quarantined("other")).isZero();
    scene.serve.stop();
    for (Damage d : found) {
      assertThat(GatewayHarness.integrityCheck(home, d.wire())).isEqualTo("ok");
    }
  }

  @Test
  void withAutoRestoreOffADamagedBoardStaysUnavailableAndEveryInterfaceSaysWhyAndTheWayOut() throws Exception {
    scene = new DamageScene(home, DamageScene.config(false));
    Boards boards = boards(home);
    boardWithBackup(boards, "work");
    boardWithBackup(boards, "other");
    Damage.HEADER.apply(scene.db("work"));
    scene.start();
    KanbanCli cli = new KanbanCli(home);

    await().atMost(Duration.ofSeconds(20)).until(() -> scene.boardHealth("work") != null
        && scene.boardHealth("work").path("action").asText().contains("auto_restore is off"));
    JsonNode health = scene.boardHealth("work");
    assertThat(health.path("status").asText()).isEqualTo("unavailable");
    assertThat(health.path("cause").asText()).contains("not a database");
    assertThat(health.path("action").asText()).contains("kanban restore latest --board work");
    assertThat(scene.admin.get("/api/v1/health").status()).isEqualTo(503);

    TestHttp.Reply api = scene.admin.get("/api/v1/boards/work/tasks");
    assertThat(api.status()).as(api.toString()).isEqualTo(503);
    assertThat(api.errorCode()).isEqualTo("unavailable");
    assertThat(api.errorMessage()).contains("not a database").contains("kanban restore latest --board work");

    KanbanCli.Result list = cli.run("list", "--board", "work");
    assertThat(list.exit()).as(list.toString()).isEqualTo(5);
    assertThat(list.err()).contains("not a database").contains("kanban restore latest --board work")
        .doesNotContain("Exception").doesNotContain("\tat ");
    KanbanCli.Result status = cli.run("gateway", "status");
    assertThat(status.out()).as(status.toString()).contains("board 'work' is unavailable")
        .contains("way out: auto_restore is off");

    Thread.sleep(3_000);
    assertThat(scene.quarantined("work")).as("auto_restore off: the damaged file stays in place").isZero();
    scene.dispatches("other", "other");

    // Bad backup names are refused with a clear message, through the gateway too.
    KanbanCli.Result traversal = cli.run("restore", "../../other/backups/x.db", "--board", "work");
    assertThat(traversal.exit()).as(traversal.toString()).isEqualTo(2);
    assertThat(traversal.err()).contains("is not a file name").doesNotContain("\tat ");
    KanbanCli.Result unknown = cli.run("restore", "board-19990101-000000-000.db", "--board", "work");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(3);
    assertThat(unknown.err()).contains("no backup board-19990101-000000-000.db");

    KanbanCli.Result restore = cli.run("restore", "latest", "--board", "work");
    assertThat(restore.exit()).as(restore.toString()).isZero();
    assertThat(restore.out()).contains("Restored board 'work'").contains("are lost").contains("quarantine");
    assertThat(scene.boardHealth("work").path("status").asText()).isEqualTo("healthy");
    assertThat(scene.events("work", "board_restored")).hasSize(1);
    assertThat(scene.quarantined("work")).isEqualTo(1);
    scene.dispatches("work", "after-restore");
    assertThat(cli.run("gateway", "status").out()).doesNotContain("unavailable");
  }

  @Test
  void aBoardFileTruncatedToNothingIsDamageNotANewEmptyBoard() throws Exception {
    KanbanCli cli = new KanbanCli(home);
    cli.run("init");
    cli.run("create", "a task");
    Process truncate = new ProcessBuilder("truncate", "-s", "0", BoardDb.file(home).toString()).start();
    assertThat(truncate.waitFor()).isZero();

    KanbanCli.Result list = cli.run("list");
    assertThat(list.exit()).as(list.toString()).isEqualTo(5);
    assertThat(list.err()).contains("is empty (truncated?)").contains("restore a backup").doesNotContain("\tat ");
    assertThat(java.nio.file.Files.size(BoardDb.file(home))).as("no new board was created in its place").isZero();
    KanbanCli.Result doctor = cli.run("doctor");
    assertThat(doctor.exit()).as(doctor.toString()).isEqualTo(1);
    assertThat(doctor.out()).contains("is empty (truncated?)");
  }

  @Test
  void aWalDeletedWhileNothingRunsLosesItsCommitsWithoutATrace() throws Exception {
    Assumptions.assumeTrue(Damage.INDEX_PAGE.available(), "python3 is not installed");
    scene = new DamageScene(home, DamageScene.config(true));
    Boards boards = boards(home);
    String id = boardWithBackup(boards, "work");
    // A writer that crashed after its commit: the commit is in the -wal only (no checkpoint ran).
    Process writer = new ProcessBuilder("python3", "-c", """
        import os, sqlite3, sys
        c = sqlite3.connect(sys.argv[1], isolation_level=None)
        c.execute("UPDATE tasks SET title = 'renamed by a writer that crashed' WHERE id = ?", (sys.argv[2],))
        os._exit(0)
        """, scene.db("work").toString(), id).redirectErrorStream(true).start();
    assertThat(writer.waitFor()).as(new String(writer.getInputStream().readAllBytes())).isZero();
    assertThat(java.nio.file.Files.size(Path.of(scene.db("work") + "-wal"))).isPositive();
    Damage.DELETE_WAL.apply(scene.db("work"));

    scene.start();
    scene.dispatches("work", "after");
    assertThat(scene.boardHealth("work").path("status").asText()).isEqualTo("healthy");
    assertThat(scene.quarantined("work")).isZero();
    scene.serve.stop();
    assertThat(BoardDb.scalar(scene.db("work"), "SELECT count(*) FROM tasks WHERE title = 'after-backup'")).isEqualTo(1);
    assertThat(BoardDb.scalar(scene.db("work"), "SELECT count(*) FROM tasks WHERE title LIKE 'renamed%'")).isZero();
    assertThat(GatewayHarness.integrityCheck(home, "work")).isEqualTo("ok");
  }
}
