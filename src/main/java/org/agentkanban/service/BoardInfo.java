package org.agentkanban.service;

import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.domain.Status;

/** A board as {@code boards list/show} reports it. {@code counts} is empty for archived boards. */
public record BoardInfo(
    String slug, String name, String description, Path directory, boolean current, boolean archived,
    Map<Status, Integer> counts) {}
