package org.agentkanban.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.wire.ErrorJson;
import org.agentkanban.wire.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers. Every error is {@code {"error": {"code",
 * "message"}}}: a {@link KanbanException} by its kind (invalid input 400, not found 404, refused
 * 422, conflict 409, unavailable 503), authentication 401, permission 403, size 413, an unknown
 * route 404, and anything unexpected 500 with a log line (the client never sees a stack trace).
 */
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
  private static final Map<Integer, String> HTTP_CODES = Map.of(
      400, ErrorKind.INVALID_INPUT.code(), 401, "unauthorized", 403, "forbidden", 404, ErrorKind.NOT_FOUND.code(),
      405, "method_not_allowed", 409, ErrorKind.CONFLICT.code(), 413, "too_large", 422, ErrorKind.REFUSED.code(),
      503, ErrorKind.UNAVAILABLE.code());

  private ApiErrors() {}

  /** A failure that is about HTTP itself (credentials, permissions, size), not about the board. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    HttpError(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  static HttpError unauthorized(String message) {
    return new HttpError(401, "unauthorized", message);
  }

  static HttpError forbidden(String message) {
    return new HttpError(403, "forbidden", message);
  }

  static HttpError tooLarge(String message) {
    return new HttpError(413, "too_large", message);
  }

  static int status(ErrorKind kind) {
    return switch (kind) {
      case INVALID_INPUT -> 400;
      case NOT_FOUND -> 404;
      case REFUSED -> 422;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
    };
  }

  static void install(RoutesConfig routes) {
    routes.exception(KanbanException.class, (e, ctx) -> write(ctx, status(e.kind()), e.kind().code(), e.getMessage()));
    routes.exception(HttpError.class, (e, ctx) -> write(ctx, e.status, e.code, e.getMessage()));
    routes.exception(HttpResponseException.class, (e, ctx) -> {
      // Javalin's own answers: no route (404), body over the size limit (413), and the like.
      String code = HTTP_CODES.getOrDefault(e.getStatus(), e.getStatus() >= 500 ? "internal" : "bad_request");
      String message = e.getStatus() == 404 ? "no route " + ctx.method() + " " + ctx.path() + "; see /api/v1/openapi.json"
          : e.getStatus() == 413 ? "the request body is too large" : e.getMessage();
      write(ctx, e.getStatus(), code, message);
    });
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("internal error answering {} {}", ctx.method(), ctx.path(), e);
      write(ctx, 500, "internal", "internal error (" + e.getClass().getSimpleName() + "); the gateway log has the details");
    });
  }

  /**
   * Jetty's own error pages (a malformed request line, an ambiguous path, an oversized header),
   * answered before any route runs, as the same JSON error instead of HTML.
   */
  static final class JettyErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static byte[] body(int status, String message) {
      String code = HTTP_CODES.getOrDefault(status, status >= 500 ? "internal" : "bad_request");
      String text = message == null || message.isBlank() ? "HTTP " + status : message;
      return Json.write(ErrorJson.of(code, text)).getBytes(StandardCharsets.UTF_8);
    }
  }

  static void write(Context ctx, int status, String code, String message) {
    ctx.status(status).contentType("application/json").result(Json.write(ErrorJson.of(code, message)));
  }

  /** A request body Jackson could not read, as an input error naming the field in the client's terms. */
  static KanbanException badJson(JsonProcessingException e, Class<?> target) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds() == null ? List.of() : u.getKnownPropertyIds();
      return KanbanException.invalid("unknown field '" + u.getPropertyName() + "' in the request body; expected "
          + new TreeSet<>(known.stream().map(String::valueOf).toList()).stream().collect(Collectors.joining(", ")));
    }
    if (e instanceof MismatchedInputException m) {
      String field = path(m);
      if (field.isEmpty()) {
        return KanbanException.invalid("the request body must be a JSON object");
      }
      return KanbanException.invalid("field '" + field + "' must be " + describe(m.getTargetType()));
    }
    if (e instanceof StreamReadException r) {
      String why = r.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "").lines().findFirst().orElse("");
      String where = r.getLocation() == null ? "" : " (line " + r.getLocation().getLineNr() + ", column "
          + r.getLocation().getColumnNr() + ")";
      return KanbanException.invalid("the request body is not valid JSON: " + why + where);
    }
    if (e instanceof JsonMappingException m && !path(m).isEmpty()) {
      return KanbanException.invalid("field '" + path(m) + "' is not valid: " + m.getOriginalMessage());
    }
    return KanbanException.invalid("the request body does not fit " + target.getSimpleName() + ": " + e.getOriginalMessage());
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a whole number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "a JSON object";
  }
}
