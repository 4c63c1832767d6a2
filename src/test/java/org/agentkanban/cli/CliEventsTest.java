package org.agentkanban.cli;

import static org.agentkanban.cli.CliChecks.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agentkanban.testkit.BoardDb;
import org.agentkanban.testkit.KanbanCli;
import org.agentkanban.wire.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log from the command line: from a cursor, for one task, and followed live. */
class CliEventsTest {
  @TempDir Path home;

  @Test
  void eventsArePrintedFromACursorAndForOneTask() {
    InProcessCli setup = new InProcessCli(home);
    String a = ok(setup.run("create", "alpha", "--json")).json().at("/task/id").asText();
    long cursor = BoardDb.scalar(BoardDb.file(home), "SELECT max(id) FROM events");
    String b = ok(setup.run("create", "bravo", "--json")).json().at("/task/id").asText();
    ok(setup.run("comment", a, "first note"));
    KanbanCli cli = new KanbanCli(home);

    JsonNode after = ok(cli.run("events", "--after", Long.toString(cursor), "--json")).json();
    assertThat(after.get("events")).extracting(e -> e.get("task_id").asText() + " " + e.get("kind").asText())
        .containsExactly(b + " created", a + " commented");
    assertThat(after.get("next_after").asLong()).isEqualTo(after.get("events").get(1).get("id").asLong());
    assertThat(after.get("events").get(0).at("/payload/title").asText()).as("payload is JSON, not a string")
        .isEqualTo("bravo");

    List<String> lines = ok(cli.run("events", "--task", a)).out().lines().toList();
    assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("#").contains(a)).noneMatch(l -> l.contains(b));
    assertThat(lines.get(0)).contains("created");
    assertThat(lines.get(1)).contains("commented").contains("tester");
  }

  @Test
  void eventsFollowStreamsEachNewEventAsOneJsonLine() throws Exception {
    ok(new InProcessCli(home).run("init"));
    long cursor = BoardDb.scalar(BoardDb.file(home), "SELECT max(id) FROM events");
    KanbanCli cli = new KanbanCli(home);
    Process follow = cli.start("events", "--follow", "--json", "--after", Long.toString(cursor), "--interval", "100ms");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process was stopped
      }
    }, "events-follow-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      String id = CliChecks.create(cli, "streamed");

      await().atMost(Duration.ofSeconds(60)).until(() -> !lines.isEmpty());
      JsonNode event = Json.mapper().readTree(lines.peek());
      assertThat(event.get("kind").asText()).isEqualTo("created");
      assertThat(event.get("task_id").asText()).isEqualTo(id);
      assertThat(event.get("id").asLong()).isGreaterThan(cursor);
      assertThat(follow.isAlive()).as("--follow keeps running").isTrue();
    } finally {
      follow.destroy();
      if (!follow.waitFor(30, TimeUnit.SECONDS)) {
        follow.destroyForcibly();
      }
    }
  }
}
