package org.agentkanban.domain;

/** A file attached to a task; the bytes live under the board's {@code attachments/<task>/}. */
public record Attachment(
    long id, String taskId, String filename, String storedName, String contentType, long size,
    String sha256, String uploadedBy, long createdAt) {}
