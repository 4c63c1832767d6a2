package org.agentkanban.service;

import java.util.Map;
import org.agentkanban.domain.RunOutcome;
import org.agentkanban.domain.Status;

/** Counts for {@code stats}. {@code oldestReadyAgeMs} is null when nothing is ready. */
public record BoardStats(
    String board,
    Map<Status, Integer> byStatus,
    Map<String, Integer> byAssignee,
    Map<RunOutcome, Integer> runsByOutcome,
    Long oldestReadyAgeMs,
    int events,
    long now) {}
