package org.agentkanban.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import org.agentkanban.domain.KanbanException;

/** The one JSON mapper: snake_case fields, nulls kept (a stable shape), unknown fields refused. */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static String pretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** An event payload or other small object; null when there is nothing to say. */
  public static String object(Map<String, ?> fields) {
    return fields == null || fields.isEmpty() ? null : write(fields);
  }

  /**
   * Validates user-supplied metadata: it must be one JSON object. Returns it in compact form.
   *
   * @throws KanbanException INVALID_INPUT with the parser's complaint
   */
  public static String requireObject(String field, String text) {
    if (text == null) {
      return null;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // Jackson's message names an internal source ("REDACTED"); say where, in the user's terms.
      String why = e.getOriginalMessage().replaceAll("\\s*\\(start marker at .*$", "");
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")";
      throw KanbanException.invalid(field + " is not valid JSON: " + why + where);
    }
    if (node == null || !node.isObject()) {
      throw KanbanException.invalid(field + " must be a JSON object, e.g. {\"tests\": \"passed\"}");
    }
    return write(node);
  }

  public static JsonNode tree(String text) {
    if (text == null) {
      return null;
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(text);
    }
  }
}
