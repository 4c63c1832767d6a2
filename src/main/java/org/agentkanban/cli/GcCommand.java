package org.agentkanban.cli;

import org.agentkanban.service.BoardService;
import org.agentkanban.service.GcResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(header = "Delete old events and logs of finished tasks.",
    name = "gc", mixinStandardHelpOptions = true,
    description = {"Delete old events and worker logs of finished (done or archived) tasks.",
        "Each task keeps its 'created' event."})
final class GcCommand extends BoardCommand {
  @Option(names = "--event-retention", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
      defaultValue = "30d", description = "Keep events younger than this (default 30d).")
  long eventRetentionMs;

  @Option(names = "--log-retention", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
      defaultValue = "30d", description = "Keep logs younger than this (default 30d).")
  long logRetentionMs;

  GcCommand(CliContext ctx) {
    super(ctx);
  }

  @Override
  int run(BoardService board, Output out) {
    GcResult r = board.gc(eventRetentionMs, logRetentionMs);
    if (out.json) {
      out.document(org.agentkanban.api.Documents.gc(r));
    } else {
      out.line("Deleted " + r.eventsDeleted() + " events and " + r.logFilesDeleted() + " log files (" + r.logBytesDeleted() + " bytes).");
    }
    return ExitCode.OK;
  }
}
