package org.agentkanban.cli;

import java.nio.file.Path;
import org.agentkanban.bench.TortureWriter;
import org.agentkanban.domain.Clock;
import org.agentkanban.service.BoardService;

/**
 * The process a kill-torture drill starts and SIGKILLs: a {@link TortureWriter} on the board the
 * CLI would use ({@code $KANBAN_HOME}'s gateway when one runs, else the board's files directly).
 * Arguments: side log, writer name, seed, and the number of acknowledged writes after which it
 * stops by itself (negative: never).
 */
public final class TortureWriterMain {
  private TortureWriterMain() {}

  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: TortureWriterMain <side log> <writer name> <seed> <max writes>");
      System.exit(ExitCode.USAGE);
    }
    CliContext ctx = new CliContext(System.getenv(), System.out, System.err, System.in, Clock.SYSTEM);
    try (BoardService board = ctx.openBoard(null)) {
      new TortureWriter(board, Path.of(args[0]), args[1], Long.parseLong(args[2])).run(Long.parseLong(args[3]), System.out);
    }
    System.exit(0);
  }
}
