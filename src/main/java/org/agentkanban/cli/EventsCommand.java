package org.agentkanban.cli;

import java.util.List;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.EventJson;
import org.agentkanban.wire.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Print (or follow) the board's event log.",
    name = "events", mixinStandardHelpOptions = true,
    description = {"Print the board's event log from a cursor. With --follow, keep printing new events",
        "(one JSON object per line with --json) until interrupted."},
    footer = {"", "Examples:", "  kanban events --after 120", "  kanban events --task t_8k2m4q7wxz", "  kanban events --follow --json"})
final class EventsCommand extends BoardCommand {
  @Option(names = "--after", paramLabel = "<event id>", defaultValue = "0", description = "Only events after this id.")
  long after;

  @Option(names = "--task", paramLabel = "<id>", description = "Only this task's events.")
  String task;

  @Option(names = "--limit", defaultValue = "200", description = "At most this many per batch (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--follow", description = "Keep waiting for new events.")
  boolean follow;

  @Option(names = "--interval", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
      defaultValue = "250ms", description = "How often --follow looks for new events (default 250ms).")
  long intervalMs;

  EventsCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  void validate() {
    if (task != null) {
      TaskIds.require(task);
    }
    if (limit < 1 || limit > 10_000) {
      throw KanbanException.invalid("--limit must be between 1 and 10000");
    }
    if (after < 0) {
      throw KanbanException.invalid("--after must not be negative");
    }
  }

  @Override
  int run(BoardService board, Output out) {
    long cursor = after;
    if (!follow) {
      List<Event> events = board.events(cursor, task, limit);
      if (out.json) {
        out.document(org.agentkanban.api.Documents.events(events, cursor));
      } else {
        events.forEach(e -> out.line(line(e, out)));
      }
      return ExitCode.OK;
    }
    while (!Thread.currentThread().isInterrupted()) {
      List<Event> events = board.events(cursor, task, limit);
      for (Event e : events) {
        out.line(out.json ? Json.write(EventJson.of(e)) : line(e, out));
        cursor = e.id();
      }
      out.out.flush();
      if (events.size() < limit) {
        try {
          Thread.sleep(intervalMs);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return ExitCode.OK;
  }

  static String line(Event e, Output out) {
    return String.format("#%-6d %s  %-12s %-20s %s %s", e.id(), out.time(e.createdAt()),
        e.taskId() == null ? "(board)" : e.taskId(), e.kind().wire(), ListCommand.dash(e.actor()),
        e.payload() == null ? "" : e.payload());
  }
}
