package org.agentkanban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agentkanban.config.GatewayFile;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.wire.Json;

/**
 * A real {@code kanban serve} process on a drill's home, with what drills need around it: the
 * admin API, the CLI as a separate process, and the gateway's descriptor and thread counts read
 * from {@code /proc}. Every database file is touched only by those processes, never by this JVM.
 */
final class ServedDrillHome implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final Path home;
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final String url;
  private final String token;

  /** An HTTP answer. */
  record Reply(int status, String body) {
    JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON (HTTP " + status + "): " + body, e);
      }
    }
  }

  /** A CLI run. */
  record CliResult(int exit, String out, String err) {}

  private ServedDrillHome(Path home, Process process) throws InterruptedException {
    this.home = home;
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.append(line).append('\n');
        }
      } catch (IOException e) {
        // the gateway is gone
      }
    }, "drill-gateway-output");
    pump.setDaemon(true);
    pump.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String found = null;
    while (found == null && System.nanoTime() < deadline && process.isAlive()) {
      int at = output.indexOf("Gateway listening on ");
      if (at >= 0) {
        int end = output.indexOf(" ", at + "Gateway listening on ".length());
        found = end < 0 ? null : output.substring(at + "Gateway listening on ".length(), end);
      }
      Thread.sleep(50);
    }
    if (found == null) {
      process.destroyForcibly();
      throw new IllegalStateException("kanban serve did not start:\n" + output);
    }
    this.url = found;
    this.token = GatewayFile.read(new KanbanHome(home).gatewayFile())
        .orElseThrow(() -> new IllegalStateException("kanban serve wrote no gateway.json")).adminToken();
  }

  /**
   * Removes a drill's scratch directory once its gateway has stopped and its mounts are gone
   * (no process holds a connection to anything in it any more). Best effort.
   */
  static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover scratch directory under --dir; nothing depends on it
    }
  }

  /** Writes {@code config.yaml} into a fresh drill home. */
  static void writeConfig(Path home, String yaml) throws IOException {
    Files.createDirectories(home);
    Files.writeString(home.resolve("config.yaml"), yaml);
  }

  static ServedDrillHome start(Path home) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command("serve", "--port", "0")).redirectErrorStream(true);
    environment(pb, home);
    return new ServedDrillHome(home, pb.start());
  }

  /** Runs the CLI as a process of its own on this home (it routes through the gateway). */
  CliResult cli(String... args) throws IOException, InterruptedException {
    return cli(home, args);
  }

  static CliResult cli(Path home, String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command(args));
    environment(pb, home);
    Path out = Files.createTempFile("drill-cli", ".out");
    Path err = Files.createTempFile("drill-cli", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kanban " + String.join(" ", args) + " did not finish");
      }
      return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void environment(ProcessBuilder pb, Path home) {
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KANBAN_") && !k.equals("KANBAN_LAUNCHER_DIR"));
    env.put("KANBAN_HOME", home.toString());
  }

  /** This JVM's class path and native-library options, to run the CLI's main class. */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Dorg.sqlite.")).toList());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xlog:disable", "-Xlog:all=warning:stderr"));
    // Under surefire the class path of this JVM is a manifest-only jar; the real one is here.
    String cp = System.getProperty("surefire.test.class.path");
    cmd.addAll(List.of("-cp", cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path"),
        "org.agentkanban.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String url() {
    return url;
  }

  String token() {
    return token;
  }

  String output() {
    return output.toString();
  }

  Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  Reply post(String path, Map<String, ?> body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
  }

  private Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  /** The gateway's health document; a board's entry by slug, or a missing node. */
  JsonNode boardHealth(String slug) throws IOException, InterruptedException {
    for (JsonNode b : get("/api/v1/health").json().path("boards")) {
      if (slug.equals(b.path("board").asText())) {
        return b;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** Open descriptors of the gateway process (a directory listing of /proc, nothing opened). */
  int fileDescriptors() throws IOException {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return (int) s.count();
    }
  }

  /** Threads of the gateway process, from /proc/<pid>/status. */
  int threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).strip());
      }
    }
    throw new IllegalStateException("no Threads line in /proc/" + pid() + "/status");
  }

  /** SIGTERM and wait: the gateway's orderly stop. */
  void stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
