package org.agentkanban.service;

import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;

/**
 * Who asks for a change. A worker acts for one run: its writes carry the run id (and, through the
 * gateway, the run token) and are refused once that run is no longer the task's current run.
 *
 * @param runId the run this actor writes for, or null for people and orchestrators
 * @param runToken the secret handed to the run's worker, or null
 */
public record Actor(String name, Long runId, String runToken) {

  public Actor {
    name = TextRules.name("actor", name);
    if (name == null) {
      throw KanbanException.invalid("actor name is required");
    }
    if (runToken != null && runId == null) {
      throw KanbanException.invalid("a run token needs its run id");
    }
  }

  public static Actor person(String name) {
    return new Actor(name, null, null);
  }

  public static Actor forRun(String name, long runId, String runToken) {
    return new Actor(name, runId, runToken);
  }

  public boolean isFenced() {
    return runId != null;
  }
}
