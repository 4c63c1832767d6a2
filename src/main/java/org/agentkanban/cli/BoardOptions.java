package org.agentkanban.cli;

import picocli.CommandLine.Option;

/** Options every board verb takes. */
final class BoardOptions {
  @Option(names = "--board", paramLabel = "<slug>",
      description = "Board to use (default: $KANBAN_BOARD, else the current board, else 'default').")
  String board;

  @Option(names = "--json", description = "Print a stable JSON document instead of text.")
  boolean json;
}
