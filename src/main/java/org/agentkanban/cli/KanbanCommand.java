package org.agentkanban.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "kanban", mixinStandardHelpOptions = true, version = "kanban 0.1.0",
    description = {"A durable task board for AI-agent workers.", "",
        "Boards live under $KANBAN_HOME (default ~/.kanban), one SQLite file per board.",
        "Every verb takes --board <slug> and --json."},
    synopsisSubcommandLabel = "<verb>",
    subcommands = {
        InitCommand.class, BoardsCommand.class,
        CreateCommand.class, ListCommand.class, ShowCommand.class, EditCommand.class, AssignCommand.class,
        LinkCommand.class, UnlinkCommand.class, CommentCommand.class,
        ClaimCommand.class, HeartbeatCommand.class, CompleteCommand.class, BlockCommand.class,
        UnblockCommand.class, PromoteCommand.class, ScheduleCommand.class,
        RequestReviewCommand.class, RequestChangesCommand.class, ReopenReviewCommand.class,
        ReclaimCommand.class, ArchiveCommand.class,
        RunsCommand.class, EventsCommand.class,
        AttachCommand.class, AttachmentsCommand.class, AttachRmCommand.class,
        StatsCommand.class, GcCommand.class, TickCommand.class, LogsCommand.class,
        ServeCommand.class, GatewayCommand.class, DemoCommand.class,
        DoctorCommand.class, BackupCommand.class, RestoreCommand.class,
        BenchCommand.class,
        picocli.CommandLine.HelpCommand.class},
    footer = {"", "A five-minute tour:",
        "  kanban init",
        "  kanban create \"Fetch the data\" --assignee fetcher",
        "  kanban create \"Summarize it\" --parent <id of the first task>",
        "  kanban list",
        "  kanban claim <id> && kanban complete <id> --summary \"fetched 120 rows\"",
        "  kanban show <id of the second task>     # now ready",
        ExitCode.HELP_FOOTER})
final class KanbanCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
