package org.agentkanban.domain;

/**
 * Every expected failure: carries an {@link ErrorKind} and a one-line message meant for people.
 * Anything else that escapes is a bug.
 */
public class KanbanException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorKind kind;

  public KanbanException(ErrorKind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public KanbanException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public ErrorKind kind() {
    return kind;
  }

  public static KanbanException invalid(String message) {
    return new KanbanException(ErrorKind.INVALID_INPUT, message);
  }

  public static KanbanException refused(String message) {
    return new KanbanException(ErrorKind.REFUSED, message);
  }

  public static KanbanException notFound(String message) {
    return new KanbanException(ErrorKind.NOT_FOUND, message);
  }

  public static KanbanException conflict(String message) {
    return new KanbanException(ErrorKind.CONFLICT, message);
  }

  public static KanbanException unavailable(String message, Throwable cause) {
    return new KanbanException(ErrorKind.UNAVAILABLE, message, cause);
  }
}
