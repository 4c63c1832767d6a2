package org.agentkanban.wire;

import org.agentkanban.domain.Attachment;

/** An attachment's metadata on the wire; {@code path} is where the bytes are on the board's host. */
public record AttachmentJson(
    long id, String taskId, String filename, String contentType, long size, String sha256, String uploadedBy,
    long createdAt, String path) {

  public static AttachmentJson of(Attachment a, String path) {
    return new AttachmentJson(a.id(), a.taskId(), a.filename(), a.contentType(), a.size(), a.sha256(),
        a.uploadedBy(), a.createdAt(), path);
  }
}
