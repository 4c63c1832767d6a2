package org.agentkanban.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.testkit.ManualClock;
import org.agentkanban.testkit.TempHome;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh board on real SQLite in a temporary home for every test, with a manual clock and helpers
 * that keep the tests about behaviour: create, claim, read back, and the events written since the
 * last look.
 */
abstract class BoardTestBase {
  static final Actor ALICE = Actor.person("alice");
  static final Actor GATEWAY = Actor.person("gateway");
  static final long LEASE = 60_000L;

  @TempDir Path dir;
  TempHome home;
  ManualClock clock;
  LocalBoardService board;
  private long cursor;

  /** Board-wide defaults; a class overrides this to test other limits. */
  ServiceSettings settings() {
    return ServiceSettings.defaults();
  }

  @BeforeEach
  void openBoard() {
    home = new TempHome(dir.resolve("home"), new ManualClock(), settings(), false);
    clock = home.clock;
    board = home.board();
    cursor = maxEventId();
  }

  @AfterEach
  void closeBoard() {
    board.close();
  }

  // ---- creating --------------------------------------------------------------------------

  static CreateTask titled(String title) {
    return CreateTask.titled(title, ALICE);
  }

  String create(String title, String... parents) {
    return board.create(titled(title).withParents(List.of(parents))).view().id();
  }

  String create(CreateTask request) {
    return board.create(request).view().id();
  }

  /** A copy of {@code r} with one field changed, for the fields CreateTask has no wither for. */
  static CreateTask with(CreateTask r, String tenant, boolean triage, Long scheduledAt, Integer maxRetries) {
    return new CreateTask(r.title(), r.body(), r.assignee(), r.parents(), r.priority(), tenant, r.idempotencyKey(),
        r.dedupeScope(), triage, scheduledAt, r.maxRuntimeMs(), maxRetries, r.workspace(), r.actor());
  }

  // ---- working ---------------------------------------------------------------------------

  Claim claim(String taskId) {
    return board.claim(taskId, LEASE, GATEWAY);
  }

  /** The worker of a claimed run: fenced by run id and token. */
  static Actor worker(Claim claim) {
    return Actor.forRun("worker", claim.run().id(), claim.runToken());
  }

  // ---- reading ---------------------------------------------------------------------------

  Task task(String id) {
    return board.show(id, 1).view().task();
  }

  Status status(String id) {
    return task(id).status();
  }

  List<Run> runs(String id) {
    return board.runs(id);
  }

  Run lastRun(String id) {
    List<Run> runs = runs(id);
    assertThat(runs).as("runs of %s", id).isNotEmpty();
    return runs.get(runs.size() - 1);
  }

  Run run(String taskId, long runId) {
    return runs(taskId).stream().filter(r -> r.id() == runId).findFirst().orElseThrow();
  }

  List<Event> events(String taskId) {
    return board.events(0, taskId, 100_000);
  }

  long maxEventId() {
    return board.store().read(tx -> tx.eventMaxId());
  }

  /** Kinds of every event (all tasks) written since the previous call, oldest first. */
  List<EventKind> newEvents() {
    List<Event> fresh = board.events(cursor, null, 100_000);
    if (!fresh.isEmpty()) {
      cursor = fresh.get(fresh.size() - 1).id();
    }
    return fresh.stream().map(Event::kind).toList();
  }

  /** Events written since the previous look, as full records. */
  List<Event> newEventRecords() {
    List<Event> fresh = board.events(cursor, null, 100_000);
    if (!fresh.isEmpty()) {
      cursor = fresh.get(fresh.size() - 1).id();
    }
    return fresh;
  }

  /** Skips the events written so far. */
  void forgetEvents() {
    cursor = maxEventId();
  }

  // ---- refusals --------------------------------------------------------------------------

  /** Runs the call, expects a KanbanException of {@code kind}, and checks nothing was written. */
  KanbanException refused(ErrorKind kind, ThrowingCallable call) {
    long before = maxEventId();
    KanbanException e = catchThrowableOfType(KanbanException.class, call);
    assertThat(e).as("expected a %s refusal", kind).isNotNull();
    assertThat(e.kind()).as("kind of '%s'", e.getMessage()).isEqualTo(kind);
    assertThat(maxEventId()).as("events written by a refused call").isEqualTo(before);
    return e;
  }

  static List<EventKind> kinds(EventKind... kinds) {
    return Arrays.asList(kinds);
  }
}
