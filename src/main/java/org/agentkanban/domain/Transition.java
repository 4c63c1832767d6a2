package org.agentkanban.domain;

import java.util.List;

/**
 * One row of the state machine: a verb moves a task from {@code from} to {@code to} when every
 * guard holds. {@code from == null} is the creation pseudo-state, {@code to == null} deletion.
 */
public record Transition(Verb verb, Status from, Status to, List<Guard> guards) {

  public Transition {
    guards = List.copyOf(guards);
  }

  public boolean allows(TaskFacts facts) {
    return guards.stream().allMatch(g -> g.holds(facts));
  }

  /** The first guard that fails, or {@link Guard#ALWAYS} if none does. */
  public Guard firstFailing(TaskFacts facts) {
    return guards.stream().filter(g -> !g.holds(facts)).findFirst().orElse(Guard.ALWAYS);
  }
}
