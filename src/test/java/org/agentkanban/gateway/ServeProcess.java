package org.agentkanban.gateway;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agentkanban.testkit.KanbanCli;

/**
 * {@code kanban serve --port 0} as a real process (a JVM of its own) on a home, with the
 * {@code kanban} launcher for its workers. Its output is collected; {@link #kill()} is SIGKILL,
 * {@link #stop()} SIGTERM. Close it: whatever still runs is killed.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Gateway listening on (http://\\S+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final java.util.List<Thread> pumps = new java.util.ArrayList<>();
  private volatile String url;

  private ServeProcess(Process process) {
    this.process = process;
    pump(process.getInputStream());
    pump(process.getErrorStream());
  }

  static ServeProcess start(Path home) {
    KanbanCli cli = new KanbanCli(home).env("KANBAN_LAUNCHER_DIR", KanbanCli.launcherDir().toString());
    ServeProcess s = new ServeProcess(cli.start("serve", "--port", "0"));
    await().atMost(Duration.ofSeconds(60)).until(() -> s.url != null || !s.process.isAlive());
    if (s.url == null) {
      throw new AssertionError("kanban serve did not start:\n" + s.output());
    }
    return s;
  }

  private void pump(InputStream in) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url = m.group(1);
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "serve-output");
    t.setDaemon(true);
    t.start();
    pumps.add(t);
  }

  long pid() {
    return process.pid();
  }

  String url() {
    return url;
  }

  String output() {
    return output.toString();
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM: the gateway's orderly stop (workers keep running). */
  void stop() {
    // Through the handle: Process.destroy() would also close our ends of its output pipes, and the
    // gateway's last words would be lost.
    process.toHandle().destroy();
    waitFor();
  }

  private void waitFor() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      for (Thread t : pumps) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor();
    }
  }
}
