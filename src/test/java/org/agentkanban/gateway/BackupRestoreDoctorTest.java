package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Backups, restore and doctor through the real CLI and API (issue 4, part 4): scheduled backups
 * while a board changes and none while it is idle, a backup on shutdown, a bounded rotation, every
 * copy verified and recorded; {@code kanban restore} refused while another process has the board
 * open, and its loss window; {@code kanban doctor} and {@code --repair} (REINDEX of index-only
 * damage after a backup, orphan workspaces), and damage REINDEX cannot fix.
 */
class BackupRestoreDoctorTest {
  @TempDir Path home;
  private DamageScene scene;
  private final List<Process> holders = new ArrayList<>();

  @AfterEach
  void tearDown() {
    holders.forEach(Process::destroyForcibly);
    if (scene != null) {
      scene.close();
    }
  }

  private static String config(String interval, int keep) {
    return """
        gateway:
          safety_tick: 1s
          lease_ttl: 3s
          stop_grace: 1s
          backup_interval: INTERVAL
          backup_keep: KEEP
        assignees:
          sh:
            type: shell
        """.replace("INTERVAL", interval).replace("KEEP", Integer.toString(keep));
  }

  private JsonNode backupList(String board) {
    KanbanCli.Result r = new KanbanCli(home).run("backup", "--list", "--json", "--board", board);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.json().path("backups");
  }

  private static String integrity(Path file) throws Exception {
    SQLiteConfig c = new SQLiteConfig();
    c.setReadOnly(true);
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file, c.toProperties());
        var rs = conn.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void theGatewayBacksUpAChangingBoardOnScheduleNotAnIdleOneKeepsABoundedVerifiedRotationAndBacksUpOnShutdown()
      throws Exception {
    scene = new DamageScene(home, config("1s", 2));
    scene.start();
    int n = 0;
    while (scene.serve.output().split("backed up board 'default'", -1).length - 1 < 4) {
      scene.create("default", "change-" + n++);
      Thread.sleep(400);
      assertThat(backupList("default").size()).as("rotation keeps backup_keep copies").isLessThanOrEqualTo(2);
      assertThat(n).as("backed up about every second while the board changes").isLessThan(60);
    }
    assertThat(backupList("default")).as("four taken, backup_keep: 2 kept").hasSize(2);
    for (JsonNode b : backupList("default")) {
      Path file = Path.of(b.path("file").asText());
      assertThat(Files.exists(Path.of(file + ".json"))).as("recorded: " + file).isTrue();
      assertThat(b.path("bytes").asLong()).isEqualTo(Files.size(file));
      assertThat(integrity(file)).isEqualTo("ok");
    }
    // Idle (every task done, nothing written): no more backups.
    await().atMost(Duration.ofSeconds(30)).until(() -> BoardDb.scalar(scene.db("default"),
        "SELECT count(*) FROM tasks WHERE status <> 'done'") == 0);
    Thread.sleep(2_500);
    String newest = backupList("default").get(0).path("file").asText();
    Thread.sleep(3_000);
    assertThat(backupList("default").get(0).path("file").asText()).as("an idle board is not backed up again")
        .isEqualTo(newest);

    // A change, then an orderly stop: the shutdown backup holds it.
    String last = new KanbanCli(home).run("create", "just before the stop", "--json").json().path("task").path("id").asText();
    scene.serve.stop();
    JsonNode newestAfterStop = backupList("default").get(0);
    assertThat(newestAfterStop.path("file").asText()).isNotEqualTo(newest);
    Path file = Path.of(newestAfterStop.path("file").asText());
    assertThat(BoardDb.scalar(file, "SELECT count(*) FROM tasks WHERE id = ?", last)).isEqualTo(1);
    assertThat(newestAfterStop.path("last_event_id").asLong())
        .isEqualTo(BoardDb.scalar(scene.db("default"), "SELECT max(id) FROM events"));
  }

  @Test
  void backupAndRestoreWithoutAGatewayRefuseWhileAnotherProcessHasTheBoardOpenAndRecordTheLossWindow() throws Exception {
    Assumptions.assumeTrue(org.agentkanban.bench.Damage.INDEX_PAGE.available(), "python3 is not installed");
    Files.writeString(home.resolve("config.yaml"), config("5m", 2));
    KanbanCli cli = new KanbanCli(home);
    cli.run("init");
    cli.run("create", "kept");
    KanbanCli.Result backup = cli.run("backup", "--json");
    assertThat(backup.exit()).as(backup.toString()).isZero();
    assertThat(backup.json().path("verified").asBoolean()).isTrue();
    String name = Path.of(backup.json().path("file").asText()).getFileName().toString();
    String lost = cli.run("create", "lost", "--json").json().path("task").path("id").asText();
    for (int i = 0; i < 2; i++) {
      assertThat(cli.run("backup").exit()).isZero();
    }
    assertThat(backupList("default")).as("backup_keep: 2").hasSize(2);
    assertThat(cli.run("backup", "--list").out()).contains("events up to #");

    // The oldest was rotated away: asking for it is a clear "not found".
    KanbanCli.Result gone = cli.run("restore", name);
    assertThat(gone.exit()).as(gone.toString()).isEqualTo(3);
    assertThat(gone.err()).contains("no backup " + name).doesNotContain("\tat ");

    Path db = BoardDb.file(home);
    Process holder = new ProcessBuilder("python3", "-c", """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1])
        c.execute('SELECT count(*) FROM tasks').fetchone()
        print('open', flush=True)
        time.sleep(120)
        """, db.toString()).redirectErrorStream(true).start();
    holders.add(holder);
    assertThat(new String(holder.getInputStream().readNBytes(4))).isEqualTo("open");
    KanbanCli.Result refused = cli.run("restore", "latest");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err()).contains("is open in process(es) [" + holder.pid() + "]");
    holder.destroyForcibly();
    holder.waitFor();

    cli.run("create", "also lost");
    String oldest = backupList("default").get(1).path("file").asText();
    KanbanCli.Result restored = cli.run("restore", Path.of(oldest).getFileName().toString(), "--json");
    assertThat(restored.exit()).as(restored.toString()).isZero();
    assertThat(restored.json().path("quarantined_to").asText()).contains("quarantine");
    assertThat(BoardDb.scalar(db, "SELECT count(*) FROM tasks WHERE title = 'also lost'")).isZero();
    assertThat(BoardDb.scalar(db, "SELECT count(*) FROM tasks WHERE id = ?", lost)).isEqualTo(1);
    List<java.util.Map<String, Object>> events = BoardDb.rows(db, "SELECT payload FROM events WHERE kind = 'board_restored'");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("payload").toString()).contains("\"lost_from\"").contains("\"lost_until\"")
        .contains("kanban restore by tester");
  }

  @Test
  void doctorReportsAndRepairsIndexOnlyDamageAndOrphanWorkspacesAndNamesTheWayOutForDamageItCannotRepair()
      throws Exception {
    Assumptions.assumeTrue(org.agentkanban.bench.Damage.INDEX_PAGE.available(), "python3 is not installed");
    Files.writeString(home.resolve("config.yaml"), config("5m", 12));
    KanbanCli cli = new KanbanCli(home);
    cli.run("init");
    cli.run("create", "a task");
    KanbanCli.Result healthy = cli.run("doctor");
    assertThat(healthy.exit()).as(healthy.toString()).isZero();
    assertThat(healthy.out()).contains("integrity_check: ok").contains("No problems found.");

    Path orphan = home.resolve("boards/default/workspaces/t_gone000000");
    Files.createDirectories(orphan);
    Path db = BoardDb.file(home);
    // Index-only damage: one key in the dispatch index changed ('ready' -> 'readz'), by python3.
    Process p = new ProcessBuilder("python3", "-c", """
        import sqlite3, sys
        db = sys.argv[1]
        c = sqlite3.connect('file:' + db + '?mode=ro', uri=True)
        ps = c.execute('PRAGMA page_size').fetchone()[0]
        root = c.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'tasks_by_status_in_dispatch_order'").fetchone()[0]
        c.close()
        with open(db, 'r+b') as f:
            f.seek((root - 1) * ps)
            i = f.read(ps).rfind(b'ready')
            f.seek((root - 1) * ps + i)
            f.write(b'readz')
        """, db.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();

    KanbanCli.Result found = cli.run("doctor", "--json");
    assertThat(found.exit()).as(found.toString()).isEqualTo(1);
    assertThat(found.json().path("ok").asBoolean()).isFalse();
    assertThat(found.out()).contains("missing from index tasks_by_status_in_dispatch_order")
        .contains("kanban doctor --repair").contains("t_gone000000");

    // Not while a gateway runs.
    scene = new DamageScene(home, config("5m", 12)).start();
    KanbanCli.Result refused = cli.run("doctor", "--repair");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err()).contains("stop it");
    scene.serve.stop();

    KanbanCli.Result repaired = cli.run("doctor", "--repair");
    assertThat(repaired.out()).as(repaired.toString()).contains("index damage repaired by REINDEX (the board as it was: ")
        .contains("t_gone000000 deleted");
    assertThat(repaired.exit()).isZero();
    assertThat(Files.exists(orphan)).isFalse();
    assertThat(GatewayHarness.integrityCheck(home, "default")).isEqualTo("ok");
    try (var before = Files.list(home.resolve("boards/default/backups"))) {
      assertThat(before.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("before-reindex-"));
    }

    // A zeroed index page is structural damage REINDEX cannot rebuild: doctor says so and names the
    // way out, and still runs its other checks.
    assertThat(cli.run("backup").exit()).isZero();
    org.agentkanban.bench.Damage.INDEX_PAGE.apply(db);
    KanbanCli.Result zeroed = cli.run("doctor");
    assertThat(zeroed.exit()).as(zeroed.toString()).isEqualTo(1);
    assertThat(zeroed.out()).contains("PROBLEM   default    integrity").contains("malformed")
        .contains("fix: 'kanban restore latest --board default'").contains("scratch workspaces")
        .doesNotContain("*** in database");
    KanbanCli.Result noRepair = cli.run("doctor", "--repair");
    assertThat(noRepair.exit()).as(noRepair.toString()).isEqualTo(1);
    assertThat(noRepair.out()).doesNotContain("REPAIRED  default    integrity");
    assertThat(zeroed.err()).doesNotContain("\tat ");
  }
}
