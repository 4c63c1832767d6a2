package org.agentkanban.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One torture writer JVM ({@code TortureWriterMain}) on a home: started, told apart once its loop
 * is under way (it prints "ready" after its first acknowledged write), and SIGKILLed.
 */
final class WriterProcess {
  static final String MAIN = "org.agentkanban.cli.TortureWriterMain";

  private final Process process;
  private volatile boolean ready;

  private WriterProcess(Process process) {
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.equals("ready")) {
            ready = true;
          }
        }
      } catch (IOException e) {
        // killed
      }
    }, "torture-writer-output");
    pump.setDaemon(true);
    pump.start();
  }

  static WriterProcess start(ChildJvm jvm, Path home, Path sideLog, String name, long seed, Path stderr)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(jvm.command(false, MAIN, List.of(sideLog.toString(), name,
        Long.toString(seed), "-1")))
        .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KANBAN_"));
    env.put("KANBAN_HOME", home.toString());
    return new WriterProcess(pb.start());
  }

  boolean ready() {
    return ready;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, and wait until it is gone. @return whether it was still running */
  boolean kill() throws InterruptedException {
    boolean wasAlive = process.isAlive();
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("torture writer pid " + process.pid() + " survived SIGKILL for 30 s");
    }
    return wasAlive;
  }
}
