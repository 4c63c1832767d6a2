package org.agentkanban.wire;

import org.agentkanban.domain.ErrorKind;

/** The one error shape: {@code {"error": {"code": "not_found", "message": "…"}}}. */
public record ErrorJson(Body error) {
  public record Body(String code, String message) {}

  public static ErrorJson of(ErrorKind kind, String message) {
    return new ErrorJson(new Body(kind.code(), message));
  }

  public static ErrorJson of(String code, String message) {
    return new ErrorJson(new Body(code, message));
  }
}
