package org.agentkanban.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The torture writers' side logs (see {@link TortureWriter}) checked against the board: every
 * acknowledged write must be there. A last line cut short by the kill is ignored (its write was
 * acknowledged, but the record of it was not complete; the next line never began).
 */
final class AckedWrites {
  /** What the logs held and what was missing. */
  record Result(long checked, List<String> lost, List<String> violations) {}

  private AckedWrites() {}

  static Result verify(List<Path> sideLogs, BoardCheck board) throws IOException, SQLException {
    long checked = 0;
    List<String> lost = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (Path log : sideLogs) {
      if (!Files.exists(log)) {
        continue;
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        continue;
      }
      for (String line : text.substring(0, end).split("\n")) {
        String[] f = line.split(" ");
        if (f[0].equals("violation")) {
          violations.add(log.getFileName() + ": " + line);
          continue;
        }
        checked++;
        if (!present(f, board)) {
          lost.add(log.getFileName() + ": " + line);
        }
      }
    }
    return new Result(checked, lost, violations);
  }

  private static boolean present(String[] f, BoardCheck board) throws SQLException {
    return switch (f[0]) {
      case "create" -> board.exists("SELECT 1 FROM tasks WHERE id = ? AND idempotency_key = ?", f[1], f[2]);
      case "comment" -> board.exists("SELECT 1 FROM comments WHERE task_id = ? AND body = ?", f[1],
          "torture comment " + f[2]);
      case "claim" -> board.exists("SELECT 1 FROM runs WHERE id = ? AND task_id = ?", Long.parseLong(f[2]), f[1]);
      case "event" -> board.exists("SELECT 1 FROM events WHERE task_id = ? AND instr(payload, ?) > 0", f[1], f[2]);
      case "completed" -> board.exists("SELECT 1 FROM tasks WHERE id = ? AND status = 'done' AND completed_at IS NOT NULL",
          f[1]);
      case "link" -> board.exists("SELECT 1 FROM links WHERE parent_id = ? AND child_id = ?", f[1], f[2]);
      default -> throw new IllegalStateException("unknown side log line: " + String.join(" ", f));
    };
  }
}
