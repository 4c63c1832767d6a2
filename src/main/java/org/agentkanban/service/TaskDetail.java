package org.agentkanban.service;

import java.util.List;
import org.agentkanban.domain.Attachment;
import org.agentkanban.domain.Comment;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.Run;
import org.agentkanban.domain.Status;

/** Everything {@code show} prints about one task, read in one snapshot. */
public record TaskDetail(
    TaskView view,
    List<Related> parents,
    List<Related> children,
    List<Comment> comments,
    List<Run> runs,
    List<Event> events,
    List<Attachment> attachments) {

  /** A linked task, with enough to print a line about it. */
  public record Related(String id, String title, Status status) {}
}
