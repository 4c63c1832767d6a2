package org.agentkanban.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.agentkanban.domain.CircuitBreaker;
import org.agentkanban.domain.Durations;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;
import org.agentkanban.domain.Workspace;

/**
 * {@code $KANBAN_HOME/config.yaml}: the gateway, board defaults and the assignees. Validated as a
 * whole; every error names the key, e.g. {@code assignees.coder.max_runtime: bad duration 'fast'}.
 * A missing file means all defaults and no assignees.
 */
public record KanbanConfig(GatewaySettings gateway, int maxRetries, Map<String, AssigneeConfig> assignees) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP = Set.of("gateway", "defaults", "assignees");
  private static final Set<String> GATEWAY = Set.of("bind", "port", "max_workers", "board_max_workers", "safety_tick",
      "poll_interval", "lease_ttl", "stop_grace", "rate_limit_cooldown", "log_max_bytes", "backup_interval", "backup_keep",
      "auto_restore", "checkpoint_wal_bytes");
  private static final Set<String> DEFAULTS = Set.of("max_retries");
  private static final Set<String> ASSIGNEE = Set.of("type", "command", "env", "workspace", "max_concurrent",
      "max_runtime", "complete_on_exit");

  public KanbanConfig {
    assignees = Map.copyOf(assignees);
  }

  public static KanbanConfig defaults() {
    return new KanbanConfig(GatewaySettings.defaults(), CircuitBreaker.DEFAULT_MAX_RETRIES, Map.of());
  }

  public AssigneeConfig assignee(String name) {
    return name == null ? null : assignees.get(name);
  }

  public static KanbanConfig load(Path file) {
    if (!Files.exists(file)) {
      return defaults();
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw KanbanException.invalid(file + ": cannot read: " + e.getMessage());
    }
  }

  public static KanbanConfig parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw KanbanException.invalid(source + ": not valid YAML: " + msg);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return defaults();
    }
    try {
      requireObject(root, "the top level");
      checkKeys(root, TOP, "the top level");
      GatewaySettings gateway = gateway(root.path("gateway"));
      JsonNode defaults = root.path("defaults");
      int maxRetries = CircuitBreaker.DEFAULT_MAX_RETRIES;
      if (!defaults.isMissingNode()) {
        requireObject(defaults, "defaults");
        checkKeys(defaults, DEFAULTS, "defaults");
        maxRetries = intValue(defaults, "max_retries", "defaults.max_retries", maxRetries);
        TextRules.maxRetries(maxRetries);
      }
      Map<String, AssigneeConfig> assignees = new LinkedHashMap<>();
      JsonNode list = root.path("assignees");
      if (!list.isMissingNode() && !list.isNull()) {
        requireObject(list, "assignees");
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          assignees.put(assigneeName(e.getKey()), assignee(assigneeName(e.getKey()), e.getValue()));
        }
      }
      return new KanbanConfig(gateway, maxRetries, assignees);
    } catch (KanbanException e) {
      throw KanbanException.invalid(source + ": " + e.getMessage());
    }
  }

  private static String assigneeName(String raw) {
    try {
      String n = TextRules.assignee(raw);
      if (!n.equals(raw)) {
        throw KanbanException.invalid("assignees: '" + raw + "' must be written in lower case");
      }
      return n;
    } catch (KanbanException e) {
      throw KanbanException.invalid("assignees: " + e.getMessage());
    }
  }

  private static GatewaySettings gateway(JsonNode g) {
    GatewaySettings d = GatewaySettings.defaults();
    if (g.isMissingNode() || g.isNull()) {
      return d;
    }
    requireObject(g, "gateway");
    checkKeys(g, GATEWAY, "gateway");
    return new GatewaySettings(
        text(g, "bind", "gateway.bind", d.bind()),
        intValue(g, "port", "gateway.port", d.port()),
        intValue(g, "max_workers", "gateway.max_workers", d.maxWorkers()),
        intValue(g, "board_max_workers", "gateway.board_max_workers", d.boardMaxWorkers()),
        duration(g, "safety_tick", "gateway.safety_tick", d.safetyTickMs()),
        duration(g, "poll_interval", "gateway.poll_interval", d.pollIntervalMs()),
        duration(g, "lease_ttl", "gateway.lease_ttl", d.leaseTtlMs()),
        duration(g, "stop_grace", "gateway.stop_grace", d.stopGraceMs()),
        duration(g, "rate_limit_cooldown", "gateway.rate_limit_cooldown", d.rateLimitCooldownMs()),
        longValue(g, "log_max_bytes", "gateway.log_max_bytes", d.logMaxBytes()),
        zeroOrDuration(g, "backup_interval", "gateway.backup_interval", d.backupIntervalMs()),
        intValue(g, "backup_keep", "gateway.backup_keep", d.backupKeep()),
        bool(g, "auto_restore", "gateway.auto_restore", d.autoRestore()),
        longValue(g, "checkpoint_wal_bytes", "gateway.checkpoint_wal_bytes", d.checkpointWalBytes()));
  }

  private static AssigneeConfig assignee(String name, JsonNode a) {
    String where = "assignees." + name;
    requireObject(a, where);
    checkKeys(a, ASSIGNEE, where);
    String typeText = text(a, "type", where + ".type", "command");
    AssigneeConfig.Type type = switch (typeText) {
      case "command" -> AssigneeConfig.Type.COMMAND;
      case "shell" -> AssigneeConfig.Type.SHELL;
      default -> throw KanbanException.invalid(where + ".type must be command or shell, got '" + typeText + "'");
    };
    List<String> command = new ArrayList<>();
    JsonNode c = a.path("command");
    if (!c.isMissingNode() && !c.isNull()) {
      if (!c.isArray()) {
        throw KanbanException.invalid(where + ".command must be a list of arguments, e.g. [\"my-agent\", \"{task}\"]"
            + " (a list keeps arguments with spaces intact)");
      }
      for (JsonNode arg : c) {
        if (!arg.isValueNode() || arg.isNull()) {
          throw KanbanException.invalid(where + ".command: every argument must be a string");
        }
        command.add(arg.asText());
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = a.path("env");
    if (!e.isMissingNode() && !e.isNull()) {
      requireObject(e, where + ".env");
      e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText()));
    }
    Workspace workspace = null;
    if (a.has("workspace")) {
      workspace = Workspace.parse(text(a, "workspace", where + ".workspace", null));
    }
    Long maxRuntime = a.has("max_runtime") ? duration(a, "max_runtime", where + ".max_runtime", 0) : null;
    return new AssigneeConfig(name, type, command, env, workspace,
        intValue(a, "max_concurrent", where + ".max_concurrent", AssigneeConfig.MAX_CONCURRENT_DEFAULT),
        maxRuntime, bool(a, "complete_on_exit", where + ".complete_on_exit", type == AssigneeConfig.Type.SHELL));
  }

  private static void requireObject(JsonNode n, String where) {
    if (!n.isObject()) {
      throw KanbanException.invalid(where + " must be a mapping of keys to values");
    }
  }

  private static void checkKeys(JsonNode n, Set<String> known, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw KanbanException.invalid("unknown key '" + k + "' in " + where + "; known keys: "
            + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private static String text(JsonNode n, String key, String where, String fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw KanbanException.invalid(where + " must be a single value");
    }
    return v.asText();
  }

  private static int intValue(JsonNode n, String key, String where, int fallback) {
    long v = longValue(n, key, where, fallback);
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw KanbanException.invalid(where + " is out of range");
    }
    return (int) v;
  }

  private static long longValue(JsonNode n, String key, String where, long fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber()) {
      throw KanbanException.invalid(where + " must be a whole number, got '" + v.asText() + "'");
    }
    return v.asLong();
  }

  private static long duration(JsonNode n, String key, String where, long fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    return Durations.parseMillis(where, v.asText());
  }

  /** A duration, or 0 / "off" to switch the feature off. */
  private static long zeroOrDuration(JsonNode n, String key, String where, long fallback) {
    JsonNode v = n.get(key);
    if (v != null && (v.asText().equals("0") || v.asText().equals("off"))) {
      return 0;
    }
    return duration(n, key, where, fallback);
  }

  private static boolean bool(JsonNode n, String key, String where, boolean fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw KanbanException.invalid(where + " must be true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }
}
