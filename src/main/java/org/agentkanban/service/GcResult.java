package org.agentkanban.service;

/** What {@code gc} removed. */
public record GcResult(int eventsDeleted, int logFilesDeleted, long logBytesDeleted) {}
