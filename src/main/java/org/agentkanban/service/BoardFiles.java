package org.agentkanban.service;

import java.nio.file.Path;

/** The directories a board keeps beside its database (design.md, "Files"). */
public record BoardFiles(Path attachments, Path logs, Path workspaces) {

  public Path attachmentsOf(String taskId) {
    return attachments.resolve(taskId);
  }

  public Path logsOf(String taskId) {
    return logs.resolve(taskId);
  }

  public Path workspaceOf(String taskId) {
    return workspaces.resolve(taskId);
  }
}
