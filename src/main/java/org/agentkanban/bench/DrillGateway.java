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
 * {@code kanban serve --port 0} as a JVM of its own on a home, for drills that kill it (the
 * benchmark's {@link GatewayProcess} stops its gateway politely; this one is SIGKILLed). Only the
 * gateway's own process is ever signalled: its workers live in sessions of their own and outlive
 * it, as they would in the field.
 */
final class DrillGateway {
  private static final String LISTENING = "Gateway listening on ";
  private static final int OUTPUT_TAIL_CHARS = 4_000;

  private final Process process;
  private final StringBuilder tail = new StringBuilder();
  private volatile boolean listening;

  private DrillGateway(Process process) {
    this.process = process;
    for (var in : List.of(process.getInputStream(), process.getErrorStream())) {
      Thread pump = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.contains(LISTENING)) {
              listening = true;
            }
            synchronized (tail) {
              tail.append(line).append('\n');
              if (tail.length() > OUTPUT_TAIL_CHARS) {
                tail.delete(0, tail.length() - OUTPUT_TAIL_CHARS);
              }
            }
          }
        } catch (IOException e) {
          // the gateway is gone
        }
      }, "gateway-output");
      pump.setDaemon(true);
      pump.start();
    }
  }

  /** Starts a gateway and waits until it listens. */
  static DrillGateway start(ChildJvm jvm, Path home) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(jvm.command(true, "org.agentkanban.cli.Main", List.of("serve", "--port", "0")));
    Map<String, String> env = pb.environment();
    String launcher = env.get("KANBAN_LAUNCHER_DIR");
    env.keySet().removeIf(k -> k.startsWith("KANBAN_"));
    env.put("KANBAN_HOME", home.toString());
    if (launcher != null) {
      env.put("KANBAN_LAUNCHER_DIR", launcher);
    }
    DrillGateway g = new DrillGateway(pb.start());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!g.listening) {
      if (!g.process.isAlive() || System.nanoTime() > deadline) {
        g.kill();
        throw new IllegalStateException("kanban serve did not start:\n" + g.output());
      }
      Thread.sleep(20);
    }
    return g;
  }

  long pid() {
    return process.pid();
  }

  String output() {
    synchronized (tail) {
      return tail.toString();
    }
  }

  /** SIGKILL to the gateway JVM alone; waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gateway pid " + process.pid() + " survived SIGKILL for 30 s");
    }
  }
}
