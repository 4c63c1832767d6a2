package org.agentkanban.cli;

import java.util.concurrent.Callable;
import org.agentkanban.service.BoardService;
import picocli.CommandLine.Mixin;

/**
 * A verb on one board. {@link #validate()} checks the input before the board is opened (so bad
 * input never creates or changes anything); {@link #run} does the work with the board open.
 */
abstract class BoardCommand implements Callable<Integer> {
  @Mixin BoardOptions options;

  protected final CliContext ctx;

  BoardCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /** Checks what can be checked without the board; throw KanbanException.invalid on bad input. */
  void validate() {}

  abstract int run(BoardService board, Output out);

  @Override
  public final Integer call() {
    validate();
    try (BoardService board = ctx.openBoard(options.board)) {
      return run(board, new Output(options.json, ctx.out, ctx.zone()));
    }
  }
}
