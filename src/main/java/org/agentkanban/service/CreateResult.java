package org.agentkanban.service;

/** The task a create produced, or the existing one its idempotency key matched. */
public record CreateResult(TaskView view, boolean created) {}
