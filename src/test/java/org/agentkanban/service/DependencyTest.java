package org.agentkanban.service;

import static org.agentkanban.domain.EventKind.ARCHIVED;
import static org.agentkanban.domain.EventKind.COMPLETED;
import static org.agentkanban.domain.EventKind.DEPENDENCY_WAIT;
import static org.agentkanban.domain.EventKind.LINKED;
import static org.agentkanban.domain.EventKind.PROMOTED;
import static org.agentkanban.domain.EventKind.UNBLOCKED;
import static org.agentkanban.domain.EventKind.UNLINKED;
import static org.assertj.core.api.Assertions.assertThat;

import org.agentkanban.domain.BlockKind;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.junit.jupiter.api.Test;

class DependencyTest extends BoardTestBase {

  // ---- link ------------------------------------------------------------------------------------

  @Test
  void linkingAReadyChildUnderAnUnfinishedParentDemotesItToTodoAndSaysWhy() {
    String parent = create("parent");
    String child = create("child");
    forgetEvents();

    TaskView v = board.link(parent, child, ALICE);

    assertThat(v.task().status()).isEqualTo(Status.TODO);
    assertThat(v.parents()).containsExactly(parent);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(LINKED, DEPENDENCY_WAIT);
    assertThat(events.get(1).payload()).contains(parent).contains("\"status\":\"todo\"");
  }

  @Test
  void linkingUnderAFinishedParentLeavesTheChildReady() {
    String parent = create("parent");
    board.complete(parent, null, null, false, ALICE);
    String child = create("child");
    forgetEvents();

    assertThat(board.link(parent, child, ALICE).task().status()).isEqualTo(Status.READY);
    assertThat(newEvents()).containsExactly(LINKED);
  }

  @Test
  void linkingARunningChildDoesNotStopIt() {
    String parent = create("parent");
    String child = create("child");
    claim(child);
    forgetEvents();

    assertThat(board.link(parent, child, ALICE).task().status()).isEqualTo(Status.RUNNING);
    assertThat(newEvents()).containsExactly(LINKED);
  }

  @Test
  void linkingTwiceChangesNothing() {
    String parent = create("parent");
    String child = create("child", parent);
    Task before = task(child);
    forgetEvents();

    board.link(parent, child, ALICE);

    assertThat(task(child)).isEqualTo(before);
    assertThat(newEvents()).isEmpty();
  }

  @Test
  void aTaskCannotDependOnItself() {
    String t = create("t");

    var e = refused(ErrorKind.REFUSED, () -> board.link(t, t, ALICE));

    assertThat(e.getMessage()).contains("cannot depend on itself");
  }

  @Test
  void aLinkThatWouldCloseACycleIsRefused() {
    String a = create("a");
    String b = create("b", a);
    String c = create("c", b);
    Task before = task(a);

    var e = refused(ErrorKind.REFUSED, () -> board.link(c, a, ALICE));

    assertThat(e.getMessage()).isEqualTo("cannot link " + c + " -> " + a + ": " + a + " already leads to " + c
        + ", so the link would make a cycle");
    assertThat(task(a)).isEqualTo(before);
    assertThat(board.show(a, 1).view().parents()).isEmpty();
  }

  @Test
  void linkingToAnUnknownTaskIsNotFound() {
    String t = create("t");
    refused(ErrorKind.NOT_FOUND, () -> board.link("t_nosuchtask0", t, ALICE));
    refused(ErrorKind.NOT_FOUND, () -> board.link(t, "t_nosuchtask0", ALICE));
  }

  // ---- unlink ----------------------------------------------------------------------------------

  @Test
  void unlinkingTheLastUnfinishedParentPromotesTheWaitingChild() {
    String parent = create("parent");
    String child = create("child", parent);
    forgetEvents();

    TaskView v = board.unlink(parent, child, ALICE);

    assertThat(v.task().status()).isEqualTo(Status.READY);
    assertThat(v.parents()).isEmpty();
    assertThat(newEvents()).containsExactly(UNLINKED, PROMOTED);
  }

  @Test
  void unlinkingOneOfTwoUnfinishedParentsKeepsTheChildWaiting() {
    String p1 = create("p1");
    String p2 = create("p2");
    String child = create("child", p1, p2);
    forgetEvents();

    assertThat(board.unlink(p1, child, ALICE).task().status()).isEqualTo(Status.TODO);
    assertThat(newEvents()).containsExactly(UNLINKED);
  }

  @Test
  void unlinkingALinkThatDoesNotExistIsNotFound() {
    String a = create("a");
    String b = create("b");
    refused(ErrorKind.NOT_FOUND, () -> board.unlink(a, b, ALICE));
  }

  // ---- finishing parents -----------------------------------------------------------------------

  @Test
  void completingAParentReleasesItsWaitingChildren() {
    String parent = create("parent");
    String c1 = create("c1", parent);
    String c2 = create("c2", parent);
    forgetEvents();

    board.complete(parent, "done", null, false, ALICE);

    assertThat(status(c1)).isEqualTo(Status.READY);
    assertThat(status(c2)).isEqualTo(Status.READY);
    var events = newEventRecords();
    assertThat(events).extracting(Event::kind).containsExactly(COMPLETED, PROMOTED, PROMOTED);
    assertThat(events.subList(1, 3)).extracting(Event::taskId).containsExactlyInAnyOrder(c1, c2);
  }

  @Test
  void aChildWithTwoParentsWaitsForBoth() {
    String p1 = create("p1");
    String p2 = create("p2");
    String child = create("child", p1, p2);

    board.complete(p1, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.TODO);

    board.complete(p2, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.READY);
  }

  @Test
  void archivingAParentReleasesItsChildrenToo() {
    String parent = create("parent");
    String child = create("child", parent);
    forgetEvents();

    board.archive(parent, "dropped", ALICE);

    assertThat(status(child)).isEqualTo(Status.READY);
    assertThat(newEvents()).containsExactly(ARCHIVED, PROMOTED);
  }

  @Test
  void completingIsRefusedWhileParentsAreUnfinishedAndNamesThem() {
    String parent = create("parent");
    String child = create("child");
    Claim c = claim(child);
    claim(parent);
    board.link(parent, child, ALICE);
    Task before = task(child);

    var e = refused(ErrorKind.REFUSED, () -> board.complete(child, "done?", null, false, worker(c)));

    assertThat(e.getMessage()).isEqualTo("cannot complete " + child + ": it waits on unfinished parents: "
        + parent + " (running)");
    assertThat(task(child)).isEqualTo(before);
  }

  @Test
  void onlyWaitingChildrenArePromotedBlockedOnesStayBlocked() {
    String parent = create("parent");
    String child = create("child");
    Claim c = claim(child);
    board.link(parent, child, ALICE);
    board.block(child, "needs a human", BlockKind.NEEDS_INPUT, worker(c));
    forgetEvents();

    board.complete(parent, null, null, false, ALICE);

    assertThat(status(child)).isEqualTo(Status.BLOCKED);
    assertThat(newEvents()).containsExactly(COMPLETED);
  }

  @Test
  void aChildThatWaitedFromAReviewRunGoesBackToReview() {
    String parent = create("parent");
    String child = create("child");
    board.requestReview(child, "ready for review", null, null, ALICE);
    Claim review = claim(child);
    board.link(parent, child, ALICE);
    forgetEvents();

    board.block(child, "waits on the parent", BlockKind.DEPENDENCY, worker(review));
    assertThat(status(child)).isEqualTo(Status.TODO);
    assertThat(newEvents()).containsExactly(DEPENDENCY_WAIT);

    board.complete(parent, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.REVIEW);
    assertThat(newEvents()).containsExactly(COMPLETED, PROMOTED);
  }

  // ---- a running or reviewed task that gained an unfinished parent ------------------------------

  /** A running child that was linked under an unfinished parent while it ran. */
  /** Claimed by a person: a tick releases an expired manual lease (gateway claims are the dispatcher's). */
  private Claim runningChildOf(String parent, String child) {
    Claim c = board.claim(child, LEASE, ALICE);
    board.link(parent, child, ALICE);
    assertThat(status(child)).isEqualTo(Status.RUNNING);
    return c;
  }

  @Test
  void linkingATaskInReviewUnderAnUnfinishedParentMakesItWaitAndReturnToReview() {
    String parent = create("parent");
    String child = create("child");
    board.requestReview(child, null, null, null, ALICE);
    forgetEvents();

    assertThat(board.link(parent, child, ALICE).task().status()).isEqualTo(Status.TODO);
    assertThat(newEvents()).containsExactly(LINKED, DEPENDENCY_WAIT);

    board.complete(parent, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.REVIEW);
  }

  @Test
  void aReclaimedTaskWithAnUnfinishedParentWaitsInsteadOfBecomingReady() {
    String parent = create("parent");
    String child = create("child");
    runningChildOf(parent, child);

    assertThat(board.reclaim(child, null, ALICE).task().status()).isEqualTo(Status.TODO);

    board.complete(parent, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.READY);
  }

  @Test
  void anExpiredLeaseOnATaskWithAnUnfinishedParentLetsItWait() {
    String parent = create("parent");
    String child = create("child");
    runningChildOf(parent, child);

    clock.advance(LEASE + 1);
    board.tick();

    assertThat(status(child)).isEqualTo(Status.TODO);
  }

  @Test
  void aFailedRunOfATaskWithAnUnfinishedParentLetsItWait() {
    String parent = create("parent");
    String child = create("child");
    Claim c = runningChildOf(parent, child);

    Task t = board.endRun(child, c.run().id(), org.agentkanban.domain.RunEnd.crashed(1, "x"), GATEWAY).task();

    assertThat(t.status()).isEqualTo(Status.TODO);
    assertThat(t.consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void requestingReviewWithAnUnfinishedParentWaitsAndThenGoesToReview() {
    String parent = create("parent");
    String child = create("child");
    Claim c = runningChildOf(parent, child);

    assertThat(board.requestReview(child, "done, pending the parent", null, null, worker(c)).task().status())
        .isEqualTo(Status.TODO);

    board.complete(parent, null, null, false, ALICE);
    assertThat(status(child)).isEqualTo(Status.REVIEW);
  }

  @Test
  void aBlockedTaskLinkedUnderAnUnfinishedParentUnblocksIntoTodo() {
    String parent = create("parent");
    String child = create("child");
    board.block(child, "stuck", null, ALICE);
    board.link(parent, child, ALICE);
    assertThat(status(child)).isEqualTo(Status.BLOCKED);
    forgetEvents();

    assertThat(board.unblock(child, null, ALICE).task().status()).isEqualTo(Status.TODO);
    assertThat(newEvents()).containsExactly(UNBLOCKED);
  }
}
