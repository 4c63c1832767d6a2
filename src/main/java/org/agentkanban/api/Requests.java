package org.agentkanban.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TaskIds;
import org.agentkanban.service.Actor;
import org.agentkanban.service.BoardService;
import org.agentkanban.wire.Json;

/** Reading a request (path, query, JSON body) and writing a JSON answer: the parse and render halves of a handler. */
final class Requests {
  private Requests() {}

  /** The board named in the path, as the gateway serves it. */
  static BoardService board(ApiContext context, Context ctx) {
    return context.board(slug(ctx));
  }

  static String slug(Context ctx) {
    return BoardSlug.require(ctx.pathParam("board"));
  }

  static String taskId(Context ctx) {
    return TaskIds.require(ctx.pathParam("id"));
  }

  static Actor actor(Context ctx) {
    return Access.caller(ctx).actor();
  }

  /** A JSON object body; an empty body is refused. */
  static <T> T body(Context ctx, Class<T> type) {
    T value = optionalBody(ctx, type, () -> null);
    if (value == null) {
      throw KanbanException.invalid("the request body is empty; send a JSON object");
    }
    return value;
  }

  /** A JSON object body, or {@code empty} when there is none. */
  static <T> T optionalBody(Context ctx, Class<T> type, Supplier<T> empty) {
    byte[] bytes = ctx.bodyAsBytes();
    if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return empty.get();
    }
    try {
      T value = Json.mapper().readValue(bytes, type);
      if (value == null) {
        throw KanbanException.invalid("the request body must be a JSON object, not null");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw ApiErrors.badJson(e, type);
    } catch (IOException e) {
      throw KanbanException.invalid("cannot read the request body: " + e.getMessage());
    }
  }

  static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.strip());
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw KanbanException.invalid(name + " must be a whole number between " + min + " and " + max + ", got '" + raw + "'");
    }
  }

  static long longParam(Context ctx, String name, long dflt) {
    return parseLong(name, ctx.queryParam(name), dflt);
  }

  static long parseLong(String name, String raw, long dflt) {
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(raw.strip());
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw KanbanException.invalid(name + " must be a whole number of at least 0, got '" + raw + "'");
    }
  }

  static boolean boolParam(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return false;
    }
    return switch (raw.strip()) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw KanbanException.invalid(name + " must be true or false, got '" + raw + "'");
    };
  }

  /** A query parameter given as {@code a,b} and/or repeated. */
  static List<String> listParam(Context ctx, String name) {
    List<String> out = new ArrayList<>();
    for (String raw : ctx.queryParams(name)) {
      for (String part : raw.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  static boolean isTrue(Boolean b) {
    return b != null && b;
  }

  static void json(Context ctx, int status, Object document) {
    ctx.status(status).contentType("application/json").result(Json.write(document));
  }

  static void json(Context ctx, Object document) {
    json(ctx, 200, document);
  }
}
