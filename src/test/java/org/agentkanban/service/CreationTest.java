package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.ARCHIVED;
import static org.agentkanban.domain.EventKind.COMPLETED;
import static org.agentkanban.domain.EventKind.CREATED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.agentkanban.domain.DedupeScope;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;
import org.junit.jupiter.api.Test;

class CreationTest extends BoardTestBase {

  // ---- where a new task lands ---------------------------------------------------------------

  @Test
  void aTaskWithoutParentsLandsInReadyWithACreatedEvent() {
    CreateResult r = board.create(titled("write the spec").withAssignee("Coder"));

    Task t = r.view().task();
    assertThat(r.created()).isTrue();
    assertThat(t.status()).isEqualTo(Status.READY);
    assertThat(t.assignee()).isEqualTo("coder");
    assertThat(t.createdBy()).isEqualTo("alice");
    assertThat(t.workspace()).isEqualTo(Workspace.SCRATCH);
    assertThat(task(t.id())).isEqualTo(t);
    List<Event> events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(CREATED);
    assertThat(events.get(0).taskId()).isEqualTo(t.id());
    assertThat(events.get(0).payload()).contains("\"status\":\"ready\"").contains("\"title\":\"write the spec\"");
  }

  @Test
  void aTaskUnderAnUnfinishedParentWaitsInTodo() {
    String parent = create("parent");

    CreateResult r = board.create(titled("child").withParents(List.of(parent)));

    assertThat(r.view().task().status()).isEqualTo(Status.TODO);
    assertThat(r.view().parents()).containsExactly(parent);
    assertThat(board.show(parent, 1).view().children()).containsExactly(r.view().id());
  }

  @Test
  void aTaskUnderADoneParentIsReady() {
    String parent = create("parent");
    board.complete(parent, null, null, false, ALICE);

    assertThat(status(create("child", parent))).isEqualTo(Status.READY);
  }

  @Test
  void archivedParentsCountAsFinishedAtCreation() {
    String parent = create("parent");
    board.archive(parent, "not needed", ALICE);

    assertThat(status(create("child", parent))).isEqualTo(Status.READY);
  }

  @Test
  void oneUnfinishedParentAmongFinishedOnesIsEnoughToWait() {
    String done = create("done");
    board.complete(done, null, null, false, ALICE);
    String open = create("open");

    assertThat(status(create("child", done, open))).isEqualTo(Status.TODO);
  }

  @Test
  void triageWinsOverPendingParentsAndAStartTime() {
    String parent = create("parent");
    CreateTask r = with(titled("rough idea").withParents(List.of(parent)), null, true, clock.now() + 60_000, null);

    assertThat(status(create(r))).isEqualTo(Status.TRIAGE);
  }

  @Test
  void aFutureStartTimeLandsInScheduled() {
    String id = create(with(titled("later"), null, false, clock.now() + 3_600_000L, null));

    Task t = task(id);
    assertThat(t.status()).isEqualTo(Status.SCHEDULED);
    assertThat(t.scheduledAt()).isEqualTo(clock.now() + 3_600_000L);
  }

  @Test
  void aStartTimeThatHasPassedLandsInReady() {
    assertThat(status(create(with(titled("now"), null, false, clock.now(), null)))).isEqualTo(Status.READY);
  }

  @Test
  void anUnknownParentIsRefusedAndNothingIsWritten() {
    var e = refused(ErrorKind.NOT_FOUND, () -> create("orphan", "t_doesnotexist"));

    assertThat(e.getMessage()).isEqualTo("unknown parent t_doesnotexist on board 'default'");
    assertThat(board.list(org.agentkanban.store.TaskQuery.all())).isEmpty();
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsWritten() {
    refused(ErrorKind.INVALID_INPUT, () -> create("bell\u0007"));
    refused(ErrorKind.INVALID_INPUT, () -> board.create(titled("x").withAssignee("two words")));
    refused(ErrorKind.INVALID_INPUT, () -> create("x", "../etc/passwd"));
    refused(ErrorKind.INVALID_INPUT, () -> create(with(titled("x"), null, false, null, -1)));

    assertThat(board.list(org.agentkanban.store.TaskQuery.all())).isEmpty();
  }

  @Test
  void repeatedParentsAreLinkedOnce() {
    String parent = create("parent");

    CreateResult r = board.create(titled("child").withParents(List.of(parent, parent)));

    assertThat(r.view().parents()).containsExactly(parent);
    assertThat(board.show(r.view().id(), 1).view().parents()).containsExactly(parent);
  }

  // ---- tenant ----------------------------------------------------------------------------------

  @Test
  void theTenantIsInheritedFromTheFirstParentThatHasOne() {
    String noTenant = create("no tenant");
    String acme = create(with(titled("acme"), "acme", false, null, null));
    String globex = create(with(titled("globex"), "globex", false, null, null));

    assertThat(task(create("child", noTenant, acme, globex)).tenant()).isEqualTo("acme");
    assertThat(task(create("child", globex, acme)).tenant()).isEqualTo("globex");
  }

  @Test
  void anExplicitTenantWinsOverTheParents() {
    String acme = create(with(titled("acme"), "acme", false, null, null));

    CreateTask r = with(titled("child").withParents(List.of(acme)), "initech", false, null, null);

    assertThat(task(create(r)).tenant()).isEqualTo("initech");
  }

  // ---- idempotency keys ------------------------------------------------------------------------

  @Test
  void theSameKeyReturnsTheExistingTaskWithoutWritingAnything() {
    CreateResult first = board.create(titled("nightly").withIdempotencyKey("nightly-1", null));
    newEvents();

    CreateResult second = board.create(titled("nightly, again").withIdempotencyKey("nightly-1", null));

    assertThat(second.created()).isFalse();
    assertThat(second.view().id()).isEqualTo(first.view().id());
    assertThat(second.view().task().title()).isEqualTo("nightly");
    assertThat(newEvents()).isEmpty();
  }

  @Test
  void anOpenKeyKeepsDeduplicatingWhileTheTaskIsOpenInAnyStatus() {
    String id = board.create(titled("job").withIdempotencyKey("k", DedupeScope.OPEN)).view().id();
    Claim c = claim(id);
    assertThat(board.create(titled("job").withIdempotencyKey("k", null)).view().id()).isEqualTo(id);
    board.block(id, "need input", null, worker(c));

    assertThat(board.create(titled("job").withIdempotencyKey("k", null)).created()).isFalse();
  }

  @Test
  void anOpenKeyIsFreedWhenTheTaskIsDone() {
    String first = board.create(titled("alert").withIdempotencyKey("disk-full", DedupeScope.OPEN)).view().id();
    board.complete(first, null, null, false, ALICE);

    CreateResult again = board.create(titled("alert").withIdempotencyKey("disk-full", DedupeScope.OPEN));

    assertThat(again.created()).isTrue();
    assertThat(again.view().id()).isNotEqualTo(first);
    assertThat(newEvents()).containsExactly(CREATED, COMPLETED, CREATED);
    // The new task now holds the key.
    assertThat(board.create(titled("alert").withIdempotencyKey("disk-full", null)).view().id())
        .isEqualTo(again.view().id());
  }

  @Test
  void anOpenKeyIsFreedWhenTheTaskIsArchived() {
    String first = board.create(titled("alert").withIdempotencyKey("k", null)).view().id();
    board.archive(first, null, ALICE);

    assertThat(board.create(titled("alert").withIdempotencyKey("k", null)).created()).isTrue();
    assertThat(newEvents()).containsExactly(CREATED, ARCHIVED, CREATED);
  }

  @Test
  void aLifetimeKeyIsNeverFreed() {
    String first = board.create(titled("migrate").withIdempotencyKey("m-1", DedupeScope.LIFETIME)).view().id();
    board.complete(first, null, null, false, ALICE);
    assertThat(board.create(titled("migrate").withIdempotencyKey("m-1", null)).view().id()).isEqualTo(first);

    board.archive(first, null, ALICE);
    CreateResult again = board.create(titled("migrate").withIdempotencyKey("m-1", DedupeScope.OPEN));

    assertThat(again.created()).isFalse();
    assertThat(again.view().id()).isEqualTo(first);
    assertThat(again.view().task().status()).isEqualTo(Status.ARCHIVED);
  }
}
