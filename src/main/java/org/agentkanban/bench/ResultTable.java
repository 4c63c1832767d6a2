package org.agentkanban.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's one table: measurement | value | baseline | ratio | target | result. */
final class ResultTable {
  record Row(String measurement, String value, String baseline, String ratio, String target, String result) {}

  private static final String[] HEADER = {"measurement", "value", "baseline", "ratio", "target", "result"};
  private final List<Row> rows = new ArrayList<>();

  void add(String measurement, String value, String baseline, String ratio, String target, String result) {
    rows.add(new Row(measurement, value, baseline, ratio, target, result));
  }

  /** A row without a target: context for the rows that have one. */
  void info(String measurement, String value) {
    add(measurement, value, "", "", "", "");
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Markdown-compatible, so the output can be pasted into docs/BENCHMARKS.md as it is. */
  void print(PrintStream out) {
    int[] width = new int[HEADER.length];
    for (int i = 0; i < HEADER.length; i++) {
      width[i] = HEADER[i].length();
    }
    for (Row r : rows) {
      String[] cells = cells(r);
      for (int i = 0; i < cells.length; i++) {
        width[i] = Math.max(width[i], cells[i].length());
      }
    }
    line(out, HEADER, width);
    StringBuilder rule = new StringBuilder("|");
    for (int i = 0; i < width.length; i++) {
      // Numbers read best right-aligned; the measurement names left-aligned.
      rule.append(i == 0 ? ":" : "").append("-".repeat(width[i] + 1)).append(i == 0 ? "" : ":").append('|');
    }
    out.println(rule);
    for (Row r : rows) {
      line(out, cells(r), width);
    }
  }

  private static String[] cells(Row r) {
    return new String[] {r.measurement(), r.value(), r.baseline(), r.ratio(), r.target(), r.result()};
  }

  private static void line(PrintStream out, String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      String pad = " ".repeat(width[i] - c.length());
      sb.append(' ').append(i == 0 ? c + pad : pad + c).append(" |");
    }
    out.println(sb);
  }
}
