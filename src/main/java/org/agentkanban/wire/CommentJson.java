package org.agentkanban.wire;

import org.agentkanban.domain.Comment;

/** A comment on the wire. */
public record CommentJson(long id, String taskId, String author, String body, long createdAt) {
  public static CommentJson of(Comment c) {
    return new CommentJson(c.id(), c.taskId(), c.author(), c.body(), c.createdAt());
  }

  public Comment toComment() {
    return new Comment(id, taskId, author, body, createdAt);
  }
}
