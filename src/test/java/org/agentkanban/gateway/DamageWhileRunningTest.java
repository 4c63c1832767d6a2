package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.agentkanban.bench.Damage;
import org.agentkanban.testkit.BoardDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's damage torture, with the gateway running: a separate process damages the files of one
 * of two boards the gateway dispatches. The outcome per damage is the one docs/CRASH-SAFETY.md
 * ("Damage drills") states: header damage and truncation are detected within a second or two,
 * moved aside once, replaced by the newest verified backup with a board_restored event giving the
 * loss window, and dispatch resumes; a zeroed index page the gateway still has cached is written
 * over by its next write of that page (or, if not cached, detected and restored); a deleted
 * {@code -wal} loses nothing: the gateway checkpoints it from its open descriptor and reopens. The
 * other board dispatches throughout.
 */
class DamageWhileRunningTest {
  @TempDir Path home;
  private DamageScene scene;

  @BeforeEach
  void setUp() {
    scene = new DamageScene(home, DamageScene.config(true)).start();
    scene.admin.post("/api/v1/boards", java.util.Map.of("slug", "work"));
    scene.admin.post("/api/v1/boards", java.util.Map.of("slug", "other"));
  }

  @AfterEach
  void tearDown() {
    scene.close();
  }

  @Test
  void eachDamageHasItsDocumentedOutcomeWhileTheOtherBoardKeepsDispatching() {
    for (Damage damage : Damage.values()) {
      Assumptions.assumeTrue(damage.available(), damage.command(Path.of("x")).get(0) + " is not installed");
      scene.dispatches("work", "before-" + damage.wire());
      scene.backup("work");
      String lost = scene.create("work", "after-backup-" + damage.wire());
      await().atMost(Duration.ofSeconds(30)).until(() -> scene.status("work", lost).equals("done"));
      long quarantined = scene.quarantined("work");
      int restored = scene.events("work", "board_restored").size();

      damage.apply(scene.db("work"));
      long other = scene.dispatches("other", "other-during-" + damage.wire());
      assertThat(other).as("the other board dispatches while " + damage.description()).isLessThan(30_000);

      switch (damage) {
        case HEADER, TRUNCATE -> {
          // Detected and restored; or, when every damaged page was also in the WAL, healed by the
          // next checkpoint before any read of the file saw it (then nothing is lost or moved).
          await().atMost(Duration.ofSeconds(30)).until(() -> scene.events("work", "board_restored").size() == restored + 1
              || healed(scene.db("work")));
          if (scene.quarantined("work") > quarantined) {
            // A restore under way: the backup is in place (the file looks whole) before its event is written.
            await().atMost(Duration.ofSeconds(30)).until(() -> scene.events("work", "board_restored").size() == restored + 1);
          }
          if (scene.events("work", "board_restored").size() == restored) {
            assertThat(scene.quarantined("work")).as(damage.description() + ", healed").isEqualTo(quarantined);
            assertThat(scene.status("work", lost)).isEqualTo("done");
            break;
          }
          JsonNode event = scene.events("work", "board_restored").get(restored);
          assertThat(event.path("payload").path("cause").asText()).as(damage.description()).contains("auto-restore after");
          assertThat(event.path("payload").path("lost_from").asLong()).isPositive();
          assertThat(event.path("payload").path("lost_until").asLong())
              .isGreaterThanOrEqualTo(event.path("payload").path("lost_from").asLong());
          assertThat(scene.status("work", lost)).as("the task done after the backup is in the loss window")
              .isEqualTo("HTTP 404");
          sleep(3_000); // three safety ticks: a damage is moved aside once, not once per tick
          assertThat(scene.quarantined("work")).as(damage.description()).isEqualTo(quarantined + 1);
          assertThat(scene.events("work", "board_restored")).hasSize(restored + 1);
        }
        case INDEX_PAGE -> {
          // The gateway's connections have the page cached; their next write of it goes to the WAL
          // and the checkpoint puts it back in the file (or, uncached, the damage is found and the
          // board restored). Either way: at most one quarantine copy, and the file ends up whole.
          scene.dispatches("work", "writes-the-index-" + damage.wire());
          sleep(3_000);
          assertThat(scene.quarantined("work")).isLessThanOrEqualTo(quarantined + 1);
        }
        case DELETE_WAL -> {
          // The gateway copies its (deleted) WAL into the database and reopens: a new -wal appears,
          // and another process can read the board again, with nothing lost.
          await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(scene.db("work") + "-wal"))
              && readable(scene.db("work")));
          assertThat(BoardDb.scalar(scene.db("work"), "SELECT count(*) FROM tasks WHERE id = ?", lost)).isEqualTo(1);
          assertThat(scene.quarantined("work")).isEqualTo(quarantined);
          assertThat(scene.events("work", "board_restored")).hasSize(restored);
          assertThat(scene.serve.output()).contains("its -wal was deleted while the gateway had it open");
        }
        default -> throw new AssertionError(damage);
      }
      assertThat(scene.boardHealth("work").path("status").asText()).isEqualTo("healthy");
      scene.dispatches("work", "resumed-after-" + damage.wire());
      scene.dispatches("other", "other-after-" + damage.wire());
    }
    scene.serve.stop();
    assertThat(GatewayHarness.integrityCheck(home, "work")).isEqualTo("ok");
    assertThat(GatewayHarness.integrityCheck(home, "other")).isEqualTo("ok");
    assertThat(scene.quarantined("other")).isZero();
  }

  /** The file reads whole again from a connection of another process (the test's). */
  private static boolean healed(Path db) {
    try {
      return GatewayHarness.integrityCheck(db.getParent().getParent().getParent(), db.getParent().getFileName().toString())
          .equals("ok");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean readable(Path db) {
    try {
      BoardDb.scalar(db, "SELECT count(*) FROM tasks");
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
