package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.STALE_WRITE_REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A worker writes for one run. Once that run is no longer the task's current run (reclaimed, timed
 * out, replaced), its late writes are rejected with a conflict, recorded, and never applied
 * (field failures #19829, #99283, #113856, #107723).
 */
class FencingTest extends BoardTestBase {

  @FunctionalInterface
  interface Write {
    void apply(FencingTest t, Actor actor) throws Exception;
  }

  private String id;
  private Claim old;
  private Claim current;
  private Path file;

  @BeforeEach
  void aReclaimedRunAndItsSuccessor() throws IOException {
    id = create("t");
    old = claim(id);
    board.reclaim(id, "worker lost", ALICE);
    current = claim(id);
    file = Files.writeString(dir.resolve("notes.txt"), "late notes");
    forgetEvents();
  }

  private static Arguments write(String name, Write w) {
    return Arguments.of(Named.of(name, w));
  }

  /** What workers send about their own task. */
  static Stream<Arguments> workerWrites() {
    return Stream.of(
        write("complete", (t, a) -> t.board.complete(t.id, "done", null, false, a)),
        write("block", (t, a) -> t.board.block(t.id, "stuck", BlockKind.NEEDS_INPUT, a)),
        write("heartbeat", (t, a) -> t.board.heartbeat(t.id, "alive", a)),
        write("comment", (t, a) -> t.board.comment(t.id, "late remark", a)),
        write("request-review", (t, a) -> t.board.requestReview(t.id, "please review", null, "rev", a)),
        write("request-changes", (t, a) -> t.board.requestChanges(t.id, "no", a)),
        write("schedule", (t, a) -> t.board.schedule(t.id, t.clock.now() + 60_000, null, a)),
        write("attach", (t, a) -> t.board.attach(t.id, t.file, null, null, a)));
  }

  /** Verbs a person normally gives; a fenced actor giving them is held to its run too. */
  static Stream<Arguments> operatorWrites() {
    return Stream.of(
        write("reclaim", (t, a) -> t.board.reclaim(t.id, "mine", a)),
        write("archive", (t, a) -> t.board.archive(t.id, null, a)),
        write("assign", (t, a) -> t.board.assign(t.id, "someone", true, a)),
        write("edit", (t, a) -> t.board.edit(new EditTask(t.id, "renamed", null, null, null, null, false, null, null, a))),
        write("unblock", (t, a) -> t.board.unblock(t.id, null, a)),
        write("promote", (t, a) -> t.board.promote(t.id, null, a)),
        write("reopen-review", (t, a) -> t.board.reopenReview(t.id, null, a)));
  }

  /** Runs a late write and checks it was rejected, recorded, and changed nothing. */
  private KanbanException assertRejected(Write w, Actor actor) {
    Task before = task(id);
    List<Run> runsBefore = runs(id);

    KanbanException e = catchThrowableOfType(KanbanException.class, () -> w.apply(this, actor));

    assertThat(e).as("the late write must be rejected").isNotNull();
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.CONFLICT);
    assertThat(task(id)).isEqualTo(before);
    assertThat(runs(id)).isEqualTo(runsBefore);
    assertThat(board.show(id, 1).comments()).isEmpty();
    assertThat(board.attachments(id)).isEmpty();
    List<Event> events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(STALE_WRITE_REJECTED);
    assertThat(events.get(0).taskId()).isEqualTo(id);
    assertThat(events.get(0).payload()).contains("\"run_id\":" + actor.runId());
    return e;
  }

  @ParameterizedTest(name = "a late {0} is rejected")
  @MethodSource("workerWrites")
  void theLateWritesOfAReclaimedWorkerAreRejectedRecordedAndNotApplied(Write w) {
    KanbanException e = assertRejected(w, worker(old));

    assertThat(run(id, current.run().id()).isOpen()).isTrue();
    assertThat(e.getMessage()).startsWith("run " + old.run().id() + " is no longer the current run of " + id
        + " (the task is running, current run " + current.run().id() + ")");
  }

  @ParameterizedTest(name = "a late {0} is rejected")
  @MethodSource("operatorWrites")
  void aReclaimedWorkerCannotActOnItsSuccessorsRunEither(Write w) {
    assertRejected(w, worker(old));

    assertThat(run(id, current.run().id()).isOpen()).isTrue();
  }

  @ParameterizedTest(name = "{0} with a wrong token is rejected")
  @MethodSource("workerWrites")
  void aWrongTokenForTheCurrentRunIsRejected(Write w) {
    Actor impostor = Actor.forRun("worker", current.run().id(), old.runToken());

    KanbanException e = assertRejected(w, impostor);

    assertThat(e.getMessage()).startsWith("the run token does not match run " + current.run().id());
  }

  @Test
  void aRunIdWithoutATokenIsStillHeldToTheCurrentRun() {
    assertRejected((t, a) -> t.board.complete(t.id, null, null, false, a),
        new Actor("worker", old.run().id(), null));
  }

  @Test
  void aRunIdThatDoesNotExistIsRejectedAndRecorded() {
    assertRejected((t, a) -> t.board.complete(t.id, null, null, false, a), Actor.forRun("worker", 999_999L, "kr_x"));
  }

  @Test
  void aRunOfAnotherTaskIsRejectedAndTheRecordOutlivesThatTask() {
    String other = create("other");
    Claim otherRun = claim(other);
    forgetEvents();

    assertRejected((t, a) -> t.board.complete(t.id, null, null, false, a), worker(otherRun));

    board.archive(other, null, ALICE);
    board.delete(other, ALICE);
    assertThat(events(id)).extracting(Event::kind).contains(STALE_WRITE_REJECTED);
  }

  @Test
  void anOrchestratingWorkerMayStillManageOtherTasks() {
    String other = create(with(titled("idea"), null, true, null, null));
    Actor orchestrator = worker(current);

    board.promote(other, "specified", orchestrator);
    board.block(other, "hold", null, ALICE);
    board.unblock(other, null, orchestrator);
    board.archive(other, null, orchestrator);

    assertThat(status(other)).isEqualTo(Status.ARCHIVED);
    assertThat(newEvents()).doesNotContain(STALE_WRITE_REJECTED);
  }

  @Test
  void theCurrentWorkerWritesNormally() {
    Actor w = worker(current);

    board.heartbeat(id, "working", w);
    board.comment(id, "halfway", w);
    Task done = board.complete(id, "finished", null, false, w).task();

    assertThat(done.status()).isEqualTo(Status.DONE);
    assertThat(run(id, current.run().id()).summary()).isEqualTo("finished");
    assertThat(newEvents()).doesNotContain(STALE_WRITE_REJECTED);
  }

  @Test
  void aWorkerWhoseTaskWasFinishedBySomeoneElseIsRejected() {
    board.complete(id, "done by hand", null, true, ALICE);
    forgetEvents();

    KanbanException e = assertRejected((t, a) -> t.board.complete(t.id, "me too", null, false, a), worker(current));

    assertThat(e.getMessage()).contains("(the task is done)");
    assertThat(status(id)).isEqualTo(Status.DONE);
  }
}
