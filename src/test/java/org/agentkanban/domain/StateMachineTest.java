package org.agentkanban.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The transition table, row by row: every row is reachable, every gap is refused with a reason. */
class StateMachineTest {
  private static final String PENDING_PARENT = "t_parent0001 (running)";

  // ---- facts that satisfy (or fail) guards -------------------------------------------------

  /**
   * Facts in which every "specific" guard is false: parents done, no review, generic block, no
   * loop, no trip, no triage, no start time. Rows earlier in the table are more specific than the
   * fallback rows, so these facts fail them unless the row itself asks for them.
   */
  private static TaskFacts neutral(Status status) {
    return TaskFacts.of(status);
  }

  private static TaskFacts satisfy(TaskFacts f, Guard g) {
    return switch (g) {
      case PARENTS_DONE, ALWAYS -> f;
      case PARENTS_PENDING -> f.withPendingParents(List.of(PENDING_PARENT));
      case RESUME_REVIEW -> f.withResumeReview(true);
      case REVIEW_LANE -> f.withReviewLane(true);
      case DEPENDENCY_KIND -> f.withBlock(BlockKind.DEPENDENCY, f.blockLoop());
      case NOT_DEPENDENCY_KIND -> f.blockKind() == BlockKind.DEPENDENCY ? f.withBlock(null, f.blockLoop()) : f;
      case BLOCK_LOOP -> f.withBlock(f.blockKind(), true);
      case BREAKER_TRIPPED -> f.withBreakerTripped(true);
      case TRIAGE_REQUESTED -> f.withTriageRequested(true);
      case SCHEDULED_IN_FUTURE -> f.withScheduledInFuture(true);
      case COOLDOWN -> f.withCooldown(true);
    };
  }

  private static TaskFacts violate(TaskFacts f, Guard g) {
    return switch (g) {
      case PARENTS_DONE -> f.withPendingParents(List.of(PENDING_PARENT));
      case PARENTS_PENDING -> f.withPendingParents(List.of());
      case RESUME_REVIEW -> f.withResumeReview(false);
      case REVIEW_LANE -> f.withReviewLane(false);
      case DEPENDENCY_KIND -> f.withBlock(BlockKind.NEEDS_INPUT, f.blockLoop());
      case NOT_DEPENDENCY_KIND -> f.withBlock(BlockKind.DEPENDENCY, f.blockLoop());
      case BLOCK_LOOP -> f.withBlock(f.blockKind(), false);
      case BREAKER_TRIPPED -> f.withBreakerTripped(false);
      case TRIAGE_REQUESTED -> f.withTriageRequested(false);
      case SCHEDULED_IN_FUTURE -> f.withScheduledInFuture(false);
      case COOLDOWN -> f.withCooldown(false);
      case ALWAYS -> throw new IllegalArgumentException("ALWAYS cannot fail");
    };
  }

  private static TaskFacts factsFor(Transition row) {
    TaskFacts f = neutral(row.from() == null ? Status.TODO : row.from());
    for (Guard g : row.guards()) {
      f = satisfy(f, g);
    }
    return f;
  }

  private static String describe(int index, Transition t) {
    return index + ": " + t.verb().wire() + " " + (t.from() == null ? "[new]" : t.from().wire()) + " -> "
        + (t.to() == null ? "[deleted]" : t.to().wire()) + " " + t.guards();
  }

  static Stream<Arguments> rows() {
    List<Transition> table = StateMachine.table();
    List<Arguments> out = new ArrayList<>();
    for (int i = 0; i < table.size(); i++) {
      out.add(Arguments.of(Named.of(describe(i, table.get(i)), i)));
    }
    return out.stream();
  }

  static Stream<Arguments> guardedRowsAndGuards() {
    List<Transition> table = StateMachine.table();
    List<Arguments> out = new ArrayList<>();
    for (int i = 0; i < table.size(); i++) {
      for (Guard g : table.get(i).guards()) {
        if (g != Guard.ALWAYS) {
          out.add(Arguments.of(Named.of(describe(i, table.get(i)) + " without " + g, i), g));
        }
      }
    }
    return out.stream();
  }

  static Stream<Arguments> missingRows() {
    List<Arguments> out = new ArrayList<>();
    for (Verb verb : Verb.values()) {
      if (verb == Verb.CREATE) {
        continue;
      }
      Set<Status> sources = StateMachine.sources(verb);
      for (Status s : Status.values()) {
        if (!sources.contains(s)) {
          out.add(Arguments.of(verb, s));
        }
      }
    }
    return out.stream();
  }

  // ---- every row -------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void everyRowIsChosenWhenItsGuardsHoldAndEarlierRowsFail(int index) {
    Transition row = StateMachine.table().get(index);
    TaskFacts facts = factsFor(row);

    Transition chosen = StateMachine.decide(row.verb(), "t_task000001", facts);

    // indexOf finds the first equal row, so a duplicate row shadowed by an earlier one fails here.
    assertThat(StateMachine.table().indexOf(chosen)).as("row chosen for %s", facts).isEqualTo(index);
    assertThat(chosen.to()).isEqualTo(row.to());
    assertThat(StateMachine.allows(row.verb(), facts)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guardedRowsAndGuards")
  void everyGuardOfARowIsNecessary(int index, Guard guard) {
    Transition row = StateMachine.table().get(index);
    TaskFacts facts = violate(factsFor(row), guard);

    assertThat(row.allows(facts)).isFalse();
    assertThat(row.firstFailing(facts)).isEqualTo(guard);
    try {
      Transition chosen = StateMachine.decide(row.verb(), "t_task000001", facts);
      assertThat(StateMachine.table().indexOf(chosen)).isNotEqualTo(index);
    } catch (KanbanException refused) {
      assertThat(refused.kind()).isEqualTo(ErrorKind.REFUSED);
      assertThat(StateMachine.allows(row.verb(), facts)).isFalse();
    }
  }

  @Test
  void earlierRowsOfTheSameVerbAndStatusTakePrecedence() {
    TaskFacts both = TaskFacts.of(Status.TODO).withTriageRequested(true).withScheduledInFuture(true)
        .withPendingParents(List.of(PENDING_PARENT));
    assertThat(StateMachine.decide(Verb.CREATE, "new task", both).to()).isEqualTo(Status.TRIAGE);
    assertThat(StateMachine.decide(Verb.CREATE, "new task", both.withTriageRequested(false)).to())
        .isEqualTo(Status.SCHEDULED);

    TaskFacts trippedInReview = TaskFacts.of(Status.RUNNING).withReviewLane(true).withBreakerTripped(true);
    assertThat(StateMachine.decide(Verb.RUN_FAILED, "t_x0000", trippedInReview).to()).isEqualTo(Status.BLOCKED);

    TaskFacts loop = TaskFacts.of(Status.RUNNING).withBlock(BlockKind.CAPABILITY, true);
    assertThat(StateMachine.decide(Verb.BLOCK, "t_x0000", loop).to()).isEqualTo(Status.TRIAGE);
  }

  // ---- refusals --------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} of a {1} task is refused")
  @MethodSource("missingRows")
  void everyVerbIsRefusedInEveryStatusWithoutARow(Verb verb, Status status) {
    KanbanException e = catchThrowableOfType(KanbanException.class,
        () -> StateMachine.decide(verb, "t_task000001", TaskFacts.of(status)));

    assertThat(e).as("%s of a %s task", verb, status).isNotNull();
    ErrorKind expected = verb == Verb.CLAIM && status == Status.RUNNING ? ErrorKind.CONFLICT : ErrorKind.REFUSED;
    assertThat(e.kind()).isEqualTo(expected);
    assertThat(e.getMessage())
        .startsWith("cannot " + verb.label() + " t_task000001: it is " + status.wire() + "; ")
        .contains(verb.label() + " applies to ");
    Set<Status> sources = StateMachine.sources(verb);
    if (sources.equals(EnumSet.complementOf(EnumSet.of(Status.ARCHIVED)))) {
      assertThat(e.getMessage()).contains("applies to all non-archived tasks");
    } else {
      sources.forEach(s -> assertThat(e.getMessage()).contains(s.wire()));
    }
    assertThat(StateMachine.allows(verb, TaskFacts.of(status))).isFalse();
  }

  @Test
  void claimingARunningTaskIsAConflictNamingTheStatusesClaimAppliesTo() {
    assertThatThrownBy(() -> StateMachine.decide(Verb.CLAIM, "t_abcd1234", TaskFacts.of(Status.RUNNING)))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessage("cannot claim t_abcd1234: it is running; claim applies to ready or review tasks");
  }

  @Test
  void claimingADoneTaskIsRefusedNotAConflict() {
    assertThatThrownBy(() -> StateMachine.decide(Verb.CLAIM, "t_abcd1234", TaskFacts.of(Status.DONE)))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED))
        .hasMessage("cannot claim t_abcd1234: it is done; claim applies to ready or review tasks");
  }

  @Test
  void archivingAnArchivedTaskSaysArchiveAppliesToAllNonArchivedTasks() {
    assertThatThrownBy(() -> StateMachine.decide(Verb.ARCHIVE, "t_abcd1234", TaskFacts.of(Status.ARCHIVED)))
        .hasMessage("cannot archive t_abcd1234: it is archived; archive applies to all non-archived tasks");
  }

  @Test
  void completingWithPendingParentsNamesTheParentAndItsStatus() {
    TaskFacts f = TaskFacts.of(Status.READY).withPendingParents(List.of("t_x (running)"));
    assertThatThrownBy(() -> StateMachine.decide(Verb.COMPLETE, "t_child", f))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED))
        .hasMessage("cannot complete t_child: it waits on unfinished parents: t_x (running)");
  }

  @Test
  void claimingWithPendingParentsIsRefusedWithTheParents() {
    TaskFacts f = TaskFacts.of(Status.READY).withPendingParents(List.of("t_a (todo)", "t_b (blocked)"));
    assertThatThrownBy(() -> StateMachine.decide(Verb.CLAIM, "t_child", f))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED))
        .hasMessageContaining("t_a (todo), t_b (blocked)");
  }

  @Test
  void aDependencyBlockWithoutAPendingParentIsRefused() {
    TaskFacts f = TaskFacts.of(Status.RUNNING).withBlock(BlockKind.DEPENDENCY, false);
    assertThatThrownBy(() -> StateMachine.decide(Verb.BLOCK, "t_x0000", f))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED))
        .hasMessage("cannot block t_x0000: it has no unfinished parent to wait for"
            + " (link it under the work it waits on first)");
  }

  @Test
  void requestingChangesOutsideAReviewRunIsRefused() {
    assertThatThrownBy(() -> StateMachine.decide(Verb.REQUEST_CHANGES, "t_x0000", TaskFacts.of(Status.RUNNING)))
        .isInstanceOfSatisfying(KanbanException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED))
        .hasMessageStartingWith("cannot request changes t_x0000: its current run was not claimed from review");
  }

  @Test
  void promotingATodoTaskWithPendingParentsIsRefused() {
    TaskFacts f = TaskFacts.of(Status.TODO).withPendingParents(List.of("t_p (ready)"));
    assertThatThrownBy(() -> StateMachine.decide(Verb.PROMOTE, "t_x0000", f))
        .hasMessage("cannot promote t_x0000: it waits on unfinished parents: t_p (ready)");
  }

  @Test
  void aBlockedTaskNeverRecoversOnItsOwn() {
    // Auto-recovery resurrected tripped breakers in the reference system (#35072, #37689).
    for (Verb auto : List.of(Verb.PROMOTE_READY, Verb.SCHEDULE_DUE, Verb.LEASE_EXPIRED, Verb.DEPEND)) {
      assertThat(StateMachine.sources(auto)).as(auto.wire()).doesNotContain(Status.BLOCKED);
    }
  }

  @Test
  void archivedParentsSatisfyChildrenAtCreation() {
    assertThat(Status.ARCHIVED.satisfiesDependency()).isTrue();
    assertThat(Status.DONE.satisfiesDependency()).isTrue();
    assertThat(EnumSet.complementOf(EnumSet.of(Status.DONE, Status.ARCHIVED)))
        .noneMatch(Status::satisfiesDependency);
  }

  // ---- the diagram -------------------------------------------------------------------------

  @Test
  void mermaidHasOneLinePerTableRow() {
    List<String> lines = StateMachine.mermaid().lines().toList();
    List<Transition> table = StateMachine.table();

    assertThat(lines.get(0)).isEqualTo("stateDiagram-v2");
    assertThat(lines.subList(1, lines.size())).hasSize(table.size());
    for (int i = 0; i < table.size(); i++) {
      Transition t = table.get(i);
      String from = t.from() == null ? "[*]" : t.from().wire();
      String to = t.to() == null ? "[*]" : t.to().wire();
      assertThat(lines.get(i + 1)).startsWith("    " + from + " --> " + to + " : " + t.verb().wire());
    }
  }

  @Test
  void mermaidShowsGuardLabelsButNotAlways() {
    assertThat(StateMachine.mermaid())
        .contains("    running --> blocked : run_failed [retries exhausted]")
        .contains("    [*] --> ready : create\n")
        .contains("    archived --> [*] : delete\n");
  }

  @Test
  void theTableCannotBeModifiedFromOutside() {
    assertThatThrownBy(() -> StateMachine.table().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
