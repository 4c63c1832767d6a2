package org.agentkanban.domain;

/**
 * The one error vocabulary every layer speaks. Surfaces map it once: the CLI to exit codes, the
 * API to HTTP statuses.
 */
public enum ErrorKind {
  /** The rules say no (wrong status, unfinished parents, a cycle). */
  REFUSED("refused"),
  /** The request itself is malformed: a bad flag, slug, status, JSON or path. */
  INVALID_INPUT("invalid_input"),
  /** A task, board, run or attachment that does not exist. */
  NOT_FOUND("not_found"),
  /** Lost a compare-and-swap, or wrote with a run that is no longer the task's current run. */
  CONFLICT("conflict"),
  /** The board cannot be used right now: locked too long, corrupt, unreadable. */
  UNAVAILABLE("unavailable");

  private final String code;

  ErrorKind(String code) {
    this.code = code;
  }

  /** The stable snake_case name used in JSON errors. */
  public String code() {
    return code;
  }
}
