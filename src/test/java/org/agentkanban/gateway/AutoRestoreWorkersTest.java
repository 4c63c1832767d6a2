package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.agentkanban.bench.Damage;
import org.agentkanban.testkit.TestHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-restore and the workers that were running (issue 4, part 5): after the restore, a worker
 * whose run is in the restored board keeps running (its run is reconciled, not started twice); a
 * worker whose run was lost with the damaged file (its task did not exist when the backup was
 * taken) is stopped, so nothing works for a run the board no longer knows.
 */
class AutoRestoreWorkersTest {
  @TempDir Path home;
  private DamageScene scene;

  @AfterEach
  void tearDown() {
    scene.close();
  }

  private String longTask(String title) {
    TestHttp.Reply r = scene.admin.post("/api/v1/boards/work/tasks", Map.of("title", title, "assignee", "sh",
        "body", "sleep 300"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String id = r.json().path("task").path("id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> Procs.workersOf(home).stream().anyMatch(w -> w.task().equals(id)));
    return id;
  }

  @Test
  void aWorkerWhoseRunSurvivedTheRestoreKeepsRunningAndOneWhoseRunWasLostIsStopped() {
    scene = new DamageScene(home, DamageScene.config(true)).start();
    scene.admin.post("/api/v1/boards", Map.of("slug", "work"));
    String kept = longTask("running when the backup was taken");
    long keptPid = Procs.workersOf(home).stream().filter(w -> w.task().equals(kept)).findFirst().orElseThrow().pid();
    scene.backup("work");
    String lost = longTask("started after the backup");

    Damage.HEADER.apply(scene.db("work"));
    await().atMost(Duration.ofSeconds(30)).until(() -> scene.events("work", "board_restored").size() == 1);

    await().atMost(Duration.ofSeconds(30)).until(() -> Procs.workersOf(home).stream().noneMatch(w -> w.task().equals(lost)));
    assertThat(scene.status("work", lost)).isEqualTo("HTTP 404");
    assertThat(Procs.alive(keptPid)).as("the worker of the run the restored board knows").isTrue();
    assertThat(scene.status("work", kept)).isEqualTo("running");
    assertThat(Procs.workersOf(home).stream().filter(w -> w.task().equals(kept)).map(Procs.Worker::run).distinct())
        .as("not started a second time").hasSize(1);
    scene.dispatches("work", "after the restore");
  }
}
