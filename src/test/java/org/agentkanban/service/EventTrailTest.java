package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.ARCHIVED;
import static org.agentkanban.domain.EventKind.ASSIGNED;
import static org.agentkanban.domain.EventKind.BLOCKED;
import static org.agentkanban.domain.EventKind.CHANGES_REQUESTED;
import static org.agentkanban.domain.EventKind.CLAIMED;
import static org.agentkanban.domain.EventKind.COMMENTED;
import static org.agentkanban.domain.EventKind.COMPLETED;
import static org.agentkanban.domain.EventKind.CREATED;
import static org.agentkanban.domain.EventKind.EDITED;
import static org.agentkanban.domain.EventKind.HEARTBEAT;
import static org.agentkanban.domain.EventKind.PROMOTED;
import static org.agentkanban.domain.EventKind.RECLAIMED;
import static org.agentkanban.domain.EventKind.REVIEW_REQUESTED;
import static org.agentkanban.domain.EventKind.SCHEDULED;
import static org.agentkanban.domain.EventKind.SCHEDULE_DUE;
import static org.agentkanban.domain.EventKind.TASK_DELETED;
import static org.agentkanban.domain.EventKind.UNBLOCKED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.Test;

/** Every state change writes its event in the same transaction; reads and no-ops write none. */
class EventTrailTest extends BoardTestBase {

  @Test
  void everyVerbOfATasksLifeWritesItsEvent() {
    String parent = create("parent");
    assertThat(newEvents()).containsExactly(CREATED);
    String id = board.create(titled("child").withParents(List.of(parent)).withAssignee("coder")).view().id();
    assertThat(newEvents()).containsExactly(CREATED);

    board.edit(new EditTask(id, null, "the spec", 3, null, null, false, null, null, ALICE));
    assertThat(newEvents()).containsExactly(EDITED);
    board.complete(parent, null, null, false, ALICE);
    assertThat(newEvents()).containsExactly(COMPLETED, PROMOTED);

    board.schedule(id, clock.now() + 1_000, null, ALICE);
    assertThat(newEvents()).containsExactly(SCHEDULED);
    clock.advance(1_000);
    board.tick();
    assertThat(newEvents()).containsExactly(SCHEDULE_DUE);

    Claim first = claim(id);
    assertThat(newEvents()).containsExactly(CLAIMED);
    board.heartbeat(id, null, worker(first));
    assertThat(newEvents()).containsExactly(HEARTBEAT);
    board.comment(id, "progress", worker(first));
    assertThat(newEvents()).containsExactly(COMMENTED);
    board.reclaim(id, null, ALICE);
    assertThat(newEvents()).containsExactly(RECLAIMED);

    Claim second = claim(id);
    board.block(id, "question", null, worker(second));
    assertThat(newEvents()).containsExactly(CLAIMED, BLOCKED);
    board.unblock(id, "answered", ALICE);
    assertThat(newEvents()).containsExactly(UNBLOCKED);

    board.requestReview(id, "done", null, "reviewer", worker(claim(id)));
    assertThat(newEvents()).containsExactly(CLAIMED, REVIEW_REQUESTED);
    board.requestChanges(id, "rename it", worker(claim(id)));
    assertThat(newEvents()).containsExactly(CLAIMED, CHANGES_REQUESTED);
    board.assign(id, "other", false, ALICE);
    assertThat(newEvents()).containsExactly(ASSIGNED);

    board.complete(id, "renamed", null, false, worker(claim(id)));
    assertThat(newEvents()).containsExactly(CLAIMED, COMPLETED);
    board.archive(id, null, ALICE);
    assertThat(newEvents()).containsExactly(ARCHIVED);
    board.delete(id, ALICE);
    assertThat(newEvents()).containsExactly(TASK_DELETED);
  }

  @Test
  void readsAndNoOpsWriteNothing() {
    String id = board.create(titled("t").withAssignee("coder")).view().id();
    String parent = create("p");
    board.link(parent, id, ALICE);
    forgetEvents();

    board.show(id, 10);
    board.context(id);
    board.list(org.agentkanban.store.TaskQuery.all());
    board.stats();
    board.link(parent, id, ALICE);
    board.assign(id, "coder", false, ALICE);
    board.edit(new EditTask(id, "t", null, null, null, null, false, null, null, ALICE));
    board.tick();

    assertThat(newEvents()).isEmpty();
  }

  @Test
  void eventIdsAreStrictlyIncreasingAndCarryTheActor() {
    String id = create("t");
    Claim c = claim(id);
    board.complete(id, null, null, false, worker(c));

    List<Event> events = events(id);

    assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
    assertThat(events).extracting(Event::actor).containsExactly("alice", "gateway", "worker");
    assertThat(events.get(2).runId()).isEqualTo(c.run().id());
    Task t = task(id);
    assertThat(events).allSatisfy(e -> assertThat(e.createdAt()).isLessThanOrEqualTo(t.updatedAt()));
  }
}
