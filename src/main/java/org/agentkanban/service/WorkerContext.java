package org.agentkanban.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.Link;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.ReadTx;

/**
 * The document a worker reads to orient itself (spec §5.5): the task, its attachments, what earlier
 * attempts did, what its parents produced, what its assignee did lately and the comment thread.
 * Every section is capped so a long history cannot flood a model's context.
 */
final class WorkerContext {
  static final int BODY_MAX_BYTES = 8 * 1024;
  static final int FIELD_MAX_BYTES = 4 * 1024;
  static final int COMMENT_MAX_BYTES = 2 * 1024;
  static final int PRIOR_ATTEMPTS = 10;
  static final int COMMENTS = 30;
  static final int RECENT_WORK = 5;

  private WorkerContext() {}

  static String build(ReadTx tx, Task t, BoardFiles files, String board, long now) {
    StringBuilder out = new StringBuilder();
    header(out, tx, t, board);
    attachments(out, tx.attachmentList(t.id()), files, t.id());
    priorAttempts(out, tx.runList(t.id()), now);
    parentResults(out, tx, t, now);
    recentWork(out, tx, t, now);
    comments(out, tx.commentList(t.id(), COMMENTS), tx.commentCount(t.id()), now);
    return out.toString();
  }

  private static void header(StringBuilder out, ReadTx tx, Task t, String board) {
    out.append("# Kanban task ").append(t.id()).append(": ").append(t.title()).append("\n\n");
    line(out, "board", board);
    line(out, "status", t.status().wire());
    line(out, "assignee", t.assignee());
    line(out, "tenant", t.tenant());
    line(out, "priority", String.valueOf(t.priority()));
    String workspacePath = t.currentRunId() == null ? null
        : tx.runGet(t.currentRunId()).map(Run::workspacePath).orElse(null);
    line(out, "workspace", t.workspace().spec() + (workspacePath == null ? "" : " @ " + workspacePath));
    if (t.maxRuntimeMs() != null) {
      line(out, "max runtime", Durations.format(t.maxRuntimeMs()));
    }
    if (t.blockReason() != null) {
      line(out, "block reason", t.blockReason());
    }
    out.append("\n## Body\n\n");
    out.append(t.body().isBlank() ? "(no body)" : cap(t.body(), BODY_MAX_BYTES)).append("\n");
  }

  private static void attachments(StringBuilder out, List<Attachment> list, BoardFiles files, String taskId) {
    if (list.isEmpty()) {
      return;
    }
    out.append("\n## Attachments\n\n");
    for (Attachment a : list) {
      out.append("- ").append(a.filename()).append(" (").append(a.contentType()).append(", ")
          .append(Math.max(1, a.size() / 1024)).append(" KB): ")
          .append(files.attachmentsOf(taskId).resolve(a.storedName())).append('\n');
    }
  }

  private static void priorAttempts(StringBuilder out, List<Run> runs, long now) {
    List<Run> closed = runs.stream().filter(r -> !r.isOpen()).toList();
    if (closed.isEmpty()) {
      return;
    }
    out.append("\n## Prior attempts on this task\n\n");
    int omitted = Math.max(0, closed.size() - PRIOR_ATTEMPTS);
    if (omitted > 0) {
      out.append(omitted).append(" earlier attempts omitted.\n\n");
    }
    for (Run r : closed.subList(omitted, closed.size())) {
      out.append("### Run ").append(r.id()).append(": ").append(r.outcome().wire());
      if (r.assignee() != null) {
        out.append(" by ").append(r.assignee());
      }
      out.append(", ").append(Instant.ofEpochMilli(r.endedAt())).append(" (").append(Durations.ago(r.endedAt(), now)).append(")\n");
      field(out, "summary", r.summary());
      field(out, "error", r.error());
      field(out, "metadata", r.metadata());
      out.append('\n');
    }
  }

  private static void parentResults(StringBuilder out, ReadTx tx, Task t, long now) {
    List<Link> parents = tx.linkParents(t.id());
    boolean any = false;
    for (Link l : parents) {
      Task p = tx.taskGet(l.parentId()).orElse(null);
      if (p == null || p.status() != Status.DONE) {
        continue;
      }
      if (!any) {
        out.append("\n## Parent task results\n\n");
        any = true;
      }
      out.append("### ").append(p.id()).append(": ").append(p.title());
      if (p.completedAt() != null) {
        out.append(" (completed ").append(Durations.ago(p.completedAt(), now)).append(')');
      }
      out.append('\n');
      Run latest = tx.runList(p.id()).stream()
          .filter(r -> r.outcome() == RunOutcome.COMPLETED)
          .reduce((a, b) -> b).orElse(null);
      if (latest == null) {
        out.append("(no summary was recorded)\n");
      } else {
        field(out, "summary", latest.summary());
        field(out, "metadata", latest.metadata());
      }
      out.append('\n');
    }
    if (any) {
      out.append("These results were written when each parent finished; check anything you rely on.\n");
    }
  }

  private static void recentWork(StringBuilder out, ReadTx tx, Task t, long now) {
    if (t.assignee() == null) {
      return;
    }
    List<Run> recent = tx.runListRecentCompleted(t.assignee(), t.id(), RECENT_WORK);
    if (recent.isEmpty()) {
      return;
    }
    out.append("\n## Recent work by @").append(t.assignee()).append("\n\n");
    for (Run r : recent) {
      String summary = r.summary() == null ? "(no summary)" : Lifecycle.firstLine(r.summary(), 200);
      out.append("- ").append(r.taskId()).append(" (").append(Durations.ago(r.endedAt(), now)).append("): ")
          .append(summary).append('\n');
    }
  }

  private static void comments(StringBuilder out, List<Comment> comments, int total, long now) {
    if (comments.isEmpty()) {
      return;
    }
    out.append("\n## Comment thread\n\n");
    if (total > comments.size()) {
      out.append(total - comments.size()).append(" earlier comments omitted.\n\n");
    }
    for (Comment c : comments) {
      out.append("comment from `").append(c.author()).append("` at ").append(Instant.ofEpochMilli(c.createdAt()))
          .append(" (").append(Durations.ago(c.createdAt(), now)).append("):\n")
          .append(cap(c.body(), COMMENT_MAX_BYTES)).append("\n\n");
    }
  }

  private static void line(StringBuilder out, String key, String value) {
    if (value != null) {
      out.append("- ").append(key).append(": ").append(value).append('\n');
    }
  }

  private static void field(StringBuilder out, String key, String value) {
    if (value != null && !value.isBlank()) {
      out.append(key).append(": ").append(cap(value, FIELD_MAX_BYTES)).append('\n');
    }
  }

  /** Cuts at a byte budget on a character boundary and says so. */
  static String cap(String s, int maxBytes) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return s;
    }
    int end = maxBytes;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8) + "\n[… truncated: " + bytes.length + " bytes in all]";
  }
}
