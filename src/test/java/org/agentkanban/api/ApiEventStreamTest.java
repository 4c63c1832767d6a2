package org.agentkanban.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agentkanban.domain.Event;
import org.agentkanban.service.LocalBoardService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.agentkanban.testkit.TestGateway;
import org.agentkanban.testkit.TestHttp;
import org.agentkanban.testkit.TestSse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /events} with {@code Accept: text/event-stream}: events in order, with ids, resumable. */
class ApiEventStreamTest {
  private static final String BOARD = "/api/v1/boards/default";
  @TempDir Path dir;
  private TestGateway gateway;
  private TestHttp admin;
  private LocalBoardService board;
  private Map<String, String> auth;

  @BeforeEach
  void start() {
    gateway = new TestGateway(dir);
    admin = gateway.admin();
    board = gateway.local("default");
    auth = Map.of("Authorization", "Bearer " + gateway.adminToken);
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private long lastEventId() {
    List<Event> all = board.events(0, null, 10_000);
    return all.isEmpty() ? 0 : all.get(all.size() - 1).id();
  }

  private List<String> createTasks(String... titles) {
    List<String> ids = new ArrayList<>();
    for (String t : titles) {
      ids.add(admin.post(BOARD + "/tasks", Map.of("title", t)).json().path("task").path("id").asText());
    }
    return ids;
  }

  @Test
  void aStreamDeliversNewEventsInOrderWithTheirIds() throws Exception {
    createTasks("before");
    long after = lastEventId();
    try (TestSse sse = new TestSse(gateway.url() + BOARD + "/events?after=" + after, auth)) {
      assertThat(sse.status).isEqualTo(200);
      assertThat(sse.contentType).startsWith("text/event-stream");
      List<String> tasks = createTasks("one", "two", "three");
      await().atMost(TestSse.patience()).until(() -> sse.messages.size() >= 3);
      assertThat(sse.messages).extracting(TestSse.Message::event).containsExactly("created", "created", "created");
      assertThat(sse.messages).extracting(m -> m.data().path("task_id").asText()).containsExactlyElementsOf(tasks);
      assertThat(sse.ids()).isSorted().allMatch(id -> id > after);
      assertThat(sse.messages).allMatch(m -> m.data().path("id").asLong() == m.id());
      assertThat(sse.messages.get(0).data().path("payload").path("title").asText()).isEqualTo("one");
    }
  }

  @Test
  void aReconnectWithLastEventIdResumesWithoutLossOrDuplicates() throws Exception {
    long after = lastEventId();
    List<Long> seen = new ArrayList<>();
    try (TestSse first = new TestSse(gateway.url() + BOARD + "/events?after=" + after, auth)) {
      createTasks("a", "b");
      await().atMost(TestSse.patience()).until(() -> first.messages.size() >= 2);
      seen.addAll(first.ids());
    }
    createTasks("c", "d"); // written while no client listens
    Map<String, String> resume = new java.util.HashMap<>(auth);
    resume.put("Last-Event-ID", Long.toString(seen.get(seen.size() - 1)));
    try (TestSse second = new TestSse(gateway.url() + BOARD + "/events?after=" + after, resume)) {
      createTasks("e");
      await().atMost(TestSse.patience()).until(() -> second.messages.size() >= 3);
      seen.addAll(second.ids());
      assertThat(second.messages).extracting(m -> m.data().path("payload").path("title").asText())
          .containsExactly("c", "d", "e");
    }
    List<Long> expected = board.events(after, null, 100).stream().map(Event::id).toList();
    assertThat(seen).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
  }

  @Test
  void aStreamStartsFromTheBeginningWithoutACursorAndCatchesUpOnABacklog() throws Exception {
    createTasks("x", "y");
    try (TestSse sse = new TestSse(gateway.url() + BOARD + "/events", auth)) {
      await().atMost(TestSse.patience()).until(() -> sse.messages.size() >= 3); // board_created and two created
      assertThat(sse.ids()).containsExactlyElementsOf(board.events(0, null, 100).stream().map(Event::id).toList());
    }
  }

  @Test
  void aWorkerMayStreamItsBoardButNobodyWithoutAToken() throws Exception {
    String id = createTasks("work").get(0);
    var claim = admin.post(BOARD + "/tasks/" + id + "/claim", "").json();
    Map<String, String> run = Map.of("Authorization", "Bearer " + claim.path("run_token").asText(),
        "X-Kanban-Run", claim.path("run").path("id").asText(), "X-Kanban-Task", id);
    try (TestSse sse = new TestSse(gateway.url() + BOARD + "/events?after=" + lastEventId(), run)) {
      assertThat(sse.status).isEqualTo(200);
    }
    try (TestSse none = new TestSse(gateway.url() + BOARD + "/events", Map.of())) {
      assertThat(none.status).isEqualTo(401);
    }
  }

  @Test
  void stoppingTheServerEndsEveryStreamCleanly() throws Exception {
    try (TestSse sse = new TestSse(gateway.url() + BOARD + "/events", auth)) {
      await().atMost(TestSse.patience()).until(() -> gateway.server.openEventStreams() == 1);
      gateway.server.stop();
      await().atMost(TestSse.patience()).untilTrue(sse.ended);
      assertThat(gateway.server.openEventStreams()).isZero();
    }
  }

  @Test
  void aClientThatWentAwayIsDroppedAtTheNextEvent() throws Exception {
    TestSse sse = new TestSse(gateway.url() + BOARD + "/events?after=" + lastEventId(), auth);
    await().atMost(TestSse.patience()).until(() -> gateway.server.openEventStreams() == 1);
    sse.close();
    await().atMost(TestSse.patience()).until(() -> {
      createTasks("poke");
      return gateway.server.openEventStreams() == 0;
    });
  }
}
