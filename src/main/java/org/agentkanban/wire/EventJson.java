package org.agentkanban.wire;

import com.fasterxml.jackson.databind.JsonNode;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;

/** An event on the wire; the payload is embedded as JSON, not as a string. */
public record EventJson(long id, String taskId, Long runId, String kind, String actor, JsonNode payload, long createdAt) {

  public static EventJson of(Event e) {
    return new EventJson(e.id(), e.taskId(), e.runId(), e.kind().wire(), e.actor(), Json.tree(e.payload()), e.createdAt());
  }

  public Event toEvent() {
    return new Event(id, taskId, runId, EventKind.parse(kind), actor,
        payload == null || payload.isNull() ? null : Json.write(payload), createdAt);
  }
}
