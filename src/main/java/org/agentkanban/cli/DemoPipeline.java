package org.agentkanban.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.agentkanban.domain.Event;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.service.CreateTask;
import org.agentkanban.wire.Json;

/** The demo's assignees and tasks: real shell workers with a fan-out, a fan-in, a crash and a block. */
final class DemoPipeline {
  static final int EXPECTED_DONE = 5;
  static final int EXPECTED_WAITING = 1;

  private DemoPipeline() {}

  static String config(Path data) {
    return """
        # The demo's workers: each runs its task's body as a shell script; exit 0 completes the task.
        gateway:
          safety_tick: 2s
          stop_grace: 2s
        assignees:
          fetcher:
            type: shell
            env: {DEMO_DATA: "%1$s"}
          analyst:
            type: shell
            env: {DEMO_DATA: "%1$s"}
          writer:
            type: shell
            env: {DEMO_DATA: "%1$s"}
          publisher:
            type: shell
            env: {DEMO_DATA: "%1$s"}
        """.formatted(data);
  }

  private static CreateTask task(String title, String assignee, String body, List<String> parents, Actor actor) {
    return new CreateTask(title, body, assignee, parents, null, "demo", null, null, false, null, 60_000L, null, null, actor);
  }

  /** Creates the pipeline and returns the ids in creation order. */
  static List<String> create(BoardService board, Actor actor) {
    String fetch = board.create(task("Fetch the numbers", "fetcher", """
        echo "fetching 300 numbers into $DEMO_DATA"
        i=1; : > "$DEMO_DATA/numbers.txt"
        while [ $i -le 300 ]; do echo $(( (i * 37) % 101 )) >> "$DEMO_DATA/numbers.txt"; i=$((i + 1)); done
        sleep 1
        echo "fetched $(wc -l < "$DEMO_DATA/numbers.txt") numbers"
        """, List.of(), actor)).view().id();
    String[] parts = new String[3];
    for (int k = 1; k <= 3; k++) {
      String crashOnce = k == 2 ? """
          if [ ! -f "$DEMO_DATA/.part2-crashed" ]; then
            touch "$DEMO_DATA/.part2-crashed"
            echo "part 2: simulated crash (the gateway will retry)" >&2
            exit 1
          fi
          """ : "";
      parts[k - 1] = board.create(task("Analyse part " + k, "analyst", crashOnce + """
          from=$(( %1$d * 100 - 99 )); to=$(( %1$d * 100 ))
          sum=$(sed -n "${from},${to}p" "$DEMO_DATA/numbers.txt" | awk '{ s += $1 } END { print s }')
          echo "$sum" > "$DEMO_DATA/part-%1$d.txt"
          sleep 1
          echo "part %1$d: numbers $from to $to of the file add up to $sum"
          """.formatted(k), List.of(fetch), actor)).view().id();
    }
    String report = board.create(task("Write the report", "writer", """
        total=$(cat "$DEMO_DATA"/part-*.txt | awk '{ s += $1 } END { print s }')
        echo "report: the 300 numbers add up to $total" | tee "$DEMO_DATA/report.txt"
        """, List.of(parts), actor)).view().id();
    String publish = board.create(task("Publish the report", "publisher", """
        echo "the report is ready; publishing needs a key a person must provide"
        kanban block "$KANBAN_TASK" "needs the publishing key: set it, then run kanban unblock $KANBAN_TASK" --kind needs_input
        """, List.of(report), actor)).view().id();
    return List.of(fetch, parts[0], parts[1], parts[2], report, publish);
  }

  /** One line for the events a person watching the demo cares about, or null. */
  static String describe(Event e, Map<String, String> titles) {
    String title = e.taskId() == null ? "" : titles.getOrDefault(e.taskId(), e.taskId());
    var p = Json.tree(e.payload());
    return switch (e.kind()) {
      case CREATED -> title + ": created (" + text(p, "status") + ")";
      case PROMOTED -> title + ": ready (its parents are done)";
      case SPAWNED -> title + ": worker started (pid " + text(p, "pid") + ")";
      case COMPLETED -> title + ": done" + (p != null && p.has("summary") ? " — " + text(p, "summary") : "");
      case CRASHED -> title + ": crashed (" + text(p, "error").lines().findFirst().orElse("") + "); will retry";
      case BLOCKED -> title + ": blocked, waiting for a person — " + text(p, "reason");
      case GAVE_UP -> title + ": gave up after repeated failures";
      default -> null;
    };
  }

  private static String text(com.fasterxml.jackson.databind.JsonNode p, String field) {
    return p == null || !p.has(field) || p.get(field).isNull() ? "" : p.get(field).asText();
  }
}
