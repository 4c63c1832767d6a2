package org.agentkanban.cli;

import org.agentkanban.domain.ErrorKind;

/** Exit codes, documented in {@code kanban --help} and docs/CLI.md. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;
  static final int CONFLICT = 4;
  static final int UNAVAILABLE = 5;

  static final String HELP_FOOTER =
      """

      Exit codes:
        0  success
        1  refused by the rules or failed (the message says why)
        2  usage error or invalid input
        3  not found (task, board, run, attachment, file)
        4  conflict: lost a race (compare-and-swap) or wrote for a run that is no longer current
        5  board unavailable: locked too long, damaged or unreadable""";

  private ExitCode() {}

  static int of(ErrorKind kind) {
    return switch (kind) {
      case REFUSED -> FAILED;
      case INVALID_INPUT -> USAGE;
      case NOT_FOUND -> NOT_FOUND;
      case CONFLICT -> CONFLICT;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }
}
