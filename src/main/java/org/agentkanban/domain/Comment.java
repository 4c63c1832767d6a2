package org.agentkanban.domain;

/** A note on a task by a person or a worker. */
public record Comment(long id, String taskId, String author, String body, long createdAt) {}
