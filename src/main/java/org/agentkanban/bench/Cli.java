package org.agentkanban.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A CLI verb as a process of its own on a drill's home, the way a person would run it. */
final class Cli {
  private Cli() {}

  /** Runs {@code kanban <args>} and returns its output; throws when it fails. */
  static String run(ChildJvm jvm, Path home, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(jvm.command(false, "org.agentkanban.cli.Main", List.of(args)))
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KANBAN_"));
    env.put("KANBAN_HOME", home.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kanban " + String.join(" ", args) + " did not finish in 120 s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("kanban " + String.join(" ", new ArrayList<>(List.of(args))) + " failed ("
          + p.exitValue() + "): " + out.strip());
    }
    return out;
  }
}
