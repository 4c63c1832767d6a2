package org.agentkanban.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Workspace;

/**
 * How to start a worker for one assignee. A {@code command} is an argv list whose elements may hold
 * placeholders; the {@code shell} type runs the task body as a shell script instead.
 *
 * @param name the assignee, as tasks name it
 * @param command argv template, e.g. {@code ["claude", "-p", "work on kanban task {task}"]}
 * @param env extra environment variables (values may hold placeholders too)
 * @param workspace the workspace for tasks that do not choose one, or null for the task's own
 * @param maxConcurrent how many of this assignee's workers may run at once on this host
 * @param maxRuntimeMs default runtime limit for tasks that set none, or null
 * @param completeOnExit exit 0 completes the task with the log tail as summary (for scripts)
 */
public record AssigneeConfig(
    String name,
    Type type,
    List<String> command,
    Map<String, String> env,
    Workspace workspace,
    int maxConcurrent,
    Long maxRuntimeMs,
    boolean completeOnExit) {

  public enum Type {
    /** Start the {@code command} template. */
    COMMAND,
    /** Run the task body with {@code /bin/sh -e}. */
    SHELL
  }

  /** The placeholders a command template may use. */
  public static final List<String> PLACEHOLDERS =
      List.of("task", "run", "board", "workspace", "context_file", "title", "assignee", "home", "url");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
  public static final int MAX_CONCURRENT_DEFAULT = 4;

  public AssigneeConfig {
    command = command == null ? List.of() : List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
    if (type == Type.COMMAND && command.isEmpty()) {
      throw KanbanException.invalid("assignees." + name + ".command is missing: give an argv list, "
          + "e.g. [\"my-agent\", \"--task\", \"{task}\"], or set type: shell");
    }
    if (type == Type.SHELL && !command.isEmpty()) {
      throw KanbanException.invalid("assignees." + name + ": type shell runs the task body; remove command");
    }
    if (maxConcurrent < 1) {
      throw KanbanException.invalid("assignees." + name + ".max_concurrent must be at least 1");
    }
    for (int i = 0; i < command.size(); i++) {
      checkPlaceholders("assignees." + name + ".command[" + i + "]", command.get(i));
    }
    for (var e : env.entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw KanbanException.invalid("assignees." + name + ".env: '" + e.getKey() + "' is not a valid variable name");
      }
      if (e.getKey().startsWith("KANBAN_")) {
        throw KanbanException.invalid("assignees." + name + ".env: " + e.getKey() + " is set by the gateway and cannot be overridden");
      }
      checkPlaceholders("assignees." + name + ".env." + e.getKey(), e.getValue());
    }
  }

  private static void checkPlaceholders(String where, String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        throw KanbanException.invalid(where + ": unknown placeholder {" + m.group(1) + "}; known: "
            + String.join(", ", PLACEHOLDERS.stream().map(p -> "{" + p + "}").toList()));
      }
    }
  }

  /** Replaces every known placeholder in {@code text}. */
  public static String expand(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
