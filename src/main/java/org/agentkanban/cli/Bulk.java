package org.agentkanban.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.service.TaskView;
import org.agentkanban.wire.ErrorJson;

/**
 * Lifecycle verbs take several ids; each is its own transaction and gets its own line. The exit
 * code is 0 when all succeeded, the shared code when all failures agree, else 1.
 */
final class Bulk {
  private Bulk() {}

  static int run(CliContext ctx, Output out, List<String> ids, Function<String, TaskView> action) {
    List<Map<String, Object>> results = new ArrayList<>();
    List<ErrorKind> failures = new ArrayList<>();
    for (String id : ids) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", id);
      try {
        TaskView v = action.apply(id);
        r.put("ok", true);
        r.put("task", Documents.task(v));
        if (!out.json) {
          out.line(id + "  " + v.task().status().wire() + describe(v));
        }
      } catch (KanbanException e) {
        failures.add(e.kind());
        r.put("ok", false);
        r.put("error", ErrorJson.of(e.kind(), e.getMessage()).error());
        ctx.err.println("kanban: " + e.getMessage());
      }
      results.add(r);
    }
    if (out.json) {
      out.document(Map.of("results", results));
    }
    if (failures.isEmpty()) {
      return ExitCode.OK;
    }
    ErrorKind first = failures.get(0);
    return failures.stream().allMatch(k -> k == first) ? ExitCode.of(first) : ExitCode.FAILED;
  }

  private static String describe(TaskView v) {
    var t = v.task();
    return switch (t.status()) {
      case BLOCKED -> t.blockReason() == null ? "" : "  (" + t.blockReason() + ")";
      case TODO -> v.parents().isEmpty() ? "" : "  (waiting on parents)";
      default -> "";
    };
  }

  /**
   * Splits {@code t_a t_b some reason words} into ids and the reason: leading words that look like
   * task ids are ids, the rest is text. With no id, a worker's own task ({@code KANBAN_TASK}).
   */
  record IdsAndText(List<String> ids, String text) {}

  static IdsAndText idsAndText(List<String> words, CliContext ctx) {
    List<String> ids = new ArrayList<>();
    int i = 0;
    while (words != null && i < words.size() && org.agentkanban.domain.TaskIds.looksLikeId(words.get(i))) {
      ids.add(words.get(i));
      i++;
    }
    String text = words == null || i >= words.size() ? null : String.join(" ", words.subList(i, words.size()));
    if (ids.isEmpty()) {
      String own = ctx.defaultTask();
      if (own == null) {
        String hint = text == null ? "" : " ('" + text.split(" ")[0] + "' is not a task id)";
        throw KanbanException.invalid("give at least one task id" + hint);
      }
      ids.add(own);
    }
    return new IdsAndText(ids, text);
  }
}
