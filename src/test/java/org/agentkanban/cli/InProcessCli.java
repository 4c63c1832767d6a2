package org.agentkanban.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.agentkanban.domain.Clock;
import org.agentkanban.testkit.KanbanCli;

/**
 * Runs the CLI's composition root inside the test JVM: for setup steps and for exhaustive input
 * combinations, where a separate JVM per case would be too slow. What the tests are about runs as
 * a real process through {@link KanbanCli}.
 */
final class InProcessCli {
  private final Map<String, String> env = new HashMap<>();

  InProcessCli(Path home) {
    env.put("KANBAN_HOME", home.toString());
    env.put("KANBAN_ACTOR", "tester");
  }

  InProcessCli env(String key, String value) {
    env.put(key, value);
    return this;
  }

  KanbanCli.Result run(String... args) {
    return runWithInput("", args);
  }

  KanbanCli.Result runWithInput(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, Map.copyOf(env), o, e,
          new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Clock.SYSTEM);
    }
    return new KanbanCli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
