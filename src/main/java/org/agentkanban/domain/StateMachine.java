package org.agentkanban.domain;

import static org.agentkanban.domain.Guard.ALWAYS;
import static org.agentkanban.domain.Guard.BLOCK_LOOP;
import static org.agentkanban.domain.Guard.BREAKER_TRIPPED;
import static org.agentkanban.domain.Guard.COOLDOWN;
import static org.agentkanban.domain.Guard.DEPENDENCY_KIND;
import static org.agentkanban.domain.Guard.NOT_DEPENDENCY_KIND;
import static org.agentkanban.domain.Guard.PARENTS_DONE;
import static org.agentkanban.domain.Guard.PARENTS_PENDING;
import static org.agentkanban.domain.Guard.RESUME_REVIEW;
import static org.agentkanban.domain.Guard.REVIEW_LANE;
import static org.agentkanban.domain.Guard.SCHEDULED_IN_FUTURE;
import static org.agentkanban.domain.Guard.TRIAGE_REQUESTED;
import static org.agentkanban.domain.Status.ARCHIVED;
import static org.agentkanban.domain.Status.BLOCKED;
import static org.agentkanban.domain.Status.DONE;
import static org.agentkanban.domain.Status.READY;
import static org.agentkanban.domain.Status.REVIEW;
import static org.agentkanban.domain.Status.RUNNING;
import static org.agentkanban.domain.Status.SCHEDULED;
import static org.agentkanban.domain.Status.TODO;
import static org.agentkanban.domain.Status.TRIAGE;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole lifecycle of a task as one table. For a verb and the task's facts, the first row whose
 * {@code from} matches and whose guards all hold decides the new status; if no row applies the
 * verb is refused with a reason a person can act on. Rows are ordered: a more specific guard comes
 * before the fallback row of the same verb and status.
 *
 * <p>Differences from the reference system, each from a field failure: a {@code blocked} task never
 * recovers on its own (auto-recovery resurrected tripped breakers, #35072/#37689); archived parents
 * satisfy children at creation too (#23180); promotion never resets the failure counter.
 */
public final class StateMachine {

  private static final List<Transition> TABLE = new ArrayList<>();

  static {
    // Creation: where a new task lands.
    row(Verb.CREATE, null, TRIAGE, TRIAGE_REQUESTED);
    row(Verb.CREATE, null, SCHEDULED, SCHEDULED_IN_FUTURE);
    row(Verb.CREATE, null, TODO, PARENTS_PENDING);
    row(Verb.CREATE, null, READY, ALWAYS);

    // The board's own promotions.
    row(Verb.PROMOTE_READY, TODO, REVIEW, PARENTS_DONE, RESUME_REVIEW);
    row(Verb.PROMOTE_READY, TODO, READY, PARENTS_DONE);
    row(Verb.SCHEDULE_DUE, SCHEDULED, REVIEW, PARENTS_DONE, RESUME_REVIEW);
    row(Verb.SCHEDULE_DUE, SCHEDULED, READY, PARENTS_DONE);
    row(Verb.SCHEDULE_DUE, SCHEDULED, TODO, PARENTS_PENDING);
    // A new link to an unfinished parent: a ready or reviewable task goes back to waiting.
    row(Verb.DEPEND, READY, TODO, PARENTS_PENDING);
    row(Verb.DEPEND, REVIEW, TODO, PARENTS_PENDING);

    // Claims: the dependency re-check at claim time is the single enforcement point.
    row(Verb.CLAIM, READY, RUNNING, PARENTS_DONE);
    row(Verb.CLAIM, REVIEW, RUNNING, PARENTS_DONE);
    row(Verb.HEARTBEAT, RUNNING, RUNNING, ALWAYS);

    // Ends of work.
    for (Status from : List.of(RUNNING, READY, BLOCKED, REVIEW)) {
      row(Verb.COMPLETE, from, DONE, PARENTS_DONE);
    }
    for (Status from : List.of(RUNNING, READY)) {
      row(Verb.BLOCK, from, TODO, DEPENDENCY_KIND, PARENTS_PENDING);
      row(Verb.BLOCK, from, TRIAGE, NOT_DEPENDENCY_KIND, BLOCK_LOOP);
      row(Verb.BLOCK, from, BLOCKED, NOT_DEPENDENCY_KIND);
      // A running task may have been linked under an unfinished parent: it waits, then resumes in review.
      row(Verb.REQUEST_REVIEW, from, TODO, PARENTS_PENDING);
      row(Verb.REQUEST_REVIEW, from, REVIEW, ALWAYS);
    }
    row(Verb.REQUEST_CHANGES, RUNNING, READY, REVIEW_LANE, PARENTS_DONE);
    row(Verb.REQUEST_CHANGES, RUNNING, TODO, REVIEW_LANE, PARENTS_PENDING);
    row(Verb.REOPEN_REVIEW, REVIEW, READY, PARENTS_DONE);
    row(Verb.REOPEN_REVIEW, REVIEW, TODO, PARENTS_PENDING);

    // People putting work back in line.
    for (Status from : List.of(BLOCKED, SCHEDULED)) {
      row(Verb.UNBLOCK, from, REVIEW, PARENTS_DONE, RESUME_REVIEW);
      row(Verb.UNBLOCK, from, READY, PARENTS_DONE);
      row(Verb.UNBLOCK, from, TODO, PARENTS_PENDING);
    }
    row(Verb.PROMOTE, TRIAGE, READY, PARENTS_DONE);
    row(Verb.PROMOTE, TRIAGE, TODO, PARENTS_PENDING);
    for (Status from : List.of(TODO, BLOCKED, SCHEDULED)) {
      row(Verb.PROMOTE, from, READY, PARENTS_DONE);
    }
    for (Status from : List.of(TODO, READY, RUNNING, BLOCKED)) {
      row(Verb.SCHEDULE, from, SCHEDULED, ALWAYS);
    }

    // Releasing a running task. One linked under an unfinished parent while it ran waits for it:
    // nothing is ready (or in review) while a parent is unfinished.
    for (Verb v : List.of(Verb.RECLAIM, Verb.LEASE_EXPIRED)) {
      row(v, RUNNING, TODO, PARENTS_PENDING);
      row(v, RUNNING, REVIEW, REVIEW_LANE);
      row(v, RUNNING, READY, ALWAYS);
    }
    row(Verb.RUN_FAILED, RUNNING, BLOCKED, BREAKER_TRIPPED);
    row(Verb.RUN_FAILED, RUNNING, SCHEDULED, COOLDOWN);
    row(Verb.RUN_FAILED, RUNNING, TODO, PARENTS_PENDING);
    row(Verb.RUN_FAILED, RUNNING, REVIEW, REVIEW_LANE);
    row(Verb.RUN_FAILED, RUNNING, READY, ALWAYS);

    for (Status from : Status.values()) {
      if (from != ARCHIVED) {
        row(Verb.ARCHIVE, from, ARCHIVED, ALWAYS);
      }
    }
    row(Verb.DELETE, ARCHIVED, null, ALWAYS);
  }

  private StateMachine() {}

  private static void row(Verb verb, Status from, Status to, Guard... guards) {
    TABLE.add(new Transition(verb, from, to, List.of(guards)));
  }

  public static List<Transition> table() {
    return List.copyOf(TABLE);
  }

  /** The statuses a verb applies to at all. */
  public static Set<Status> sources(Verb verb) {
    return TABLE.stream()
        .filter(t -> t.verb() == verb && t.from() != null)
        .map(Transition::from)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * The transition this verb takes for these facts.
   *
   * @throws KanbanException refused (or conflict, for a lost race) with the reason
   */
  public static Transition decide(Verb verb, String taskId, TaskFacts facts) {
    Status from = verb == Verb.CREATE ? null : facts.status();
    List<Transition> candidates =
        TABLE.stream().filter(t -> t.verb() == verb && t.from() == from).toList();
    if (candidates.isEmpty()) {
      String message =
          "cannot " + verb.label() + " " + taskId + ": it is " + facts.status()
              + "; " + verb.label() + " applies to " + describe(sources(verb)) + " tasks";
      throw verb.conflictsIn(facts.status())
          ? KanbanException.conflict(message)
          : KanbanException.refused(message);
    }
    for (Transition t : candidates) {
      if (t.allows(facts)) {
        return t;
      }
    }
    Transition first = candidates.get(0);
    throw KanbanException.refused(
        "cannot " + verb.label() + " " + taskId + ": " + first.firstFailing(facts).failure(facts));
  }

  /** Whether the verb would be allowed, without building a refusal. */
  public static boolean allows(Verb verb, TaskFacts facts) {
    Status from = verb == Verb.CREATE ? null : facts.status();
    return TABLE.stream().anyMatch(t -> t.verb() == verb && t.from() == from && t.allows(facts));
  }

  /** The table drawn as a Mermaid state diagram; docs/ARCHITECTURE.md embeds it, a test keeps it current. */
  public static String mermaid() {
    StringBuilder out = new StringBuilder("stateDiagram-v2\n");
    for (Transition t : TABLE) {
      String from = t.from() == null ? "[*]" : t.from().wire();
      String to = t.to() == null ? "[*]" : t.to().wire();
      String guards =
          t.guards().stream()
              .filter(g -> g != ALWAYS)
              .map(Guard::label)
              .collect(Collectors.joining(", "));
      out.append("    ").append(from).append(" --> ").append(to).append(" : ").append(t.verb().wire());
      if (!guards.isEmpty()) {
        out.append(" [").append(guards).append(']');
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String describe(Set<Status> statuses) {
    List<String> names = statuses.stream().map(Status::wire).toList();
    if (names.size() == Status.values().length - 1 && !statuses.contains(ARCHIVED)) {
      return "all non-archived";
    }
    if (names.size() <= 1) {
      return String.join("", names);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  /** Statuses a task can never leave except by archiving (kept in one place for the invariants). */
  public static boolean isFinal(Status s) {
    return s == DONE || s == ARCHIVED;
  }
}
