package org.agentkanban.testkit;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import com.fasterxml.jackson.databind.JsonNode;
import org.agentkanban.wire.Json;

/**
 * Runs the real {@code kanban} command as a separate JVM (the main class on the test class path),
 * with a given environment, and captures exit code, stdout and stderr.
 */
public final class KanbanCli {
  private static final Object NATIVE_LOCK = new Object();
  private static volatile Path nativeDir;

  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  public KanbanCli(Path home) {
    this.home = home;
    env.put("KANBAN_HOME", home.toString());
    env.put("KANBAN_ACTOR", "tester");
  }

  public KanbanCli env(String key, String value) {
    if (value == null) {
      env.remove(key);
    } else {
      env.put(key, value);
    }
    return this;
  }

  public Path home() {
    return home;
  }

  /** What one invocation produced. */
  public record Result(int exit, String out, String err) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON (exit " + exit + "):\n" + out + "\nstderr:\n" + err, e);
      }
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  public Result run(String... args) {
    return runWithInput(null, args);
  }

  /** Starts the command without waiting (for concurrency tests). */
  public Process start(String... args) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command(args));
      pb.environment().clear();
      pb.environment().putAll(baseEnvironment());
      pb.environment().putAll(env);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs with {@code stdin} as standard input (null: none). */
  public Result runWithInput(String stdin, String... args) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command(args));
      pb.environment().clear();
      pb.environment().putAll(baseEnvironment());
      pb.environment().putAll(env);
      Path out = Files.createTempFile("kanban-out", ".txt");
      Path err = Files.createTempFile("kanban-err", ".txt");
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException ignored) {
        // the command may exit before reading all of stdin (e.g. a too-large body)
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kanban " + String.join(" ", args) + " did not finish in 120 s");
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs with stdin fed from raw bytes (for large or binary input). */
  public Result runWithBytes(byte[] stdin, String... args) {
    return runWithInput(new String(stdin, StandardCharsets.ISO_8859_1), args);
  }

  private static Map<String, String> baseEnvironment() {
    Map<String, String> base = new HashMap<>();
    for (String k : List.of("PATH", "LANG", "TMPDIR", "USER", "HOME", "JAVA_HOME")) {
      String v = System.getenv(k);
      if (v != null) {
        base.put(k, v);
      }
    }
    return base;
  }

  public static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> jvm = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:disable",
        // class-data-sharing notices are not the CLI's output
        "-Xlog:all=warning,cds*=off:stderr"));
    Path nativeLib = nativeSqlite();
    if (nativeLib != null) {
      jvm.add("-Dorg.sqlite.lib.path=" + nativeLib);
      jvm.add("-Dorg.sqlite.lib.name=libsqlitejdbc.so");
    }
    cmd.addAll(jvm);
    cmd.addAll(FastStart.options(classPath(), jvm));
    cmd.add("org.agentkanban.cli.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Surefire runs tests from a manifest-only jar; the real class path is in this property. */
  public static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** The sqlite-jdbc native library, extracted once per test JVM so each CLI start skips it. */
  private static Path nativeSqlite() {
    if (nativeDir != null) {
      return nativeDir;
    }
    synchronized (NATIVE_LOCK) {
      if (nativeDir != null) {
        return nativeDir;
      }
      String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch64" : "x86_64";
      for (String entry : classPath().split(File.pathSeparator)) {
        if (entry.contains("sqlite-jdbc") && entry.endsWith(".jar")) {
          try (ZipFile zip = new ZipFile(entry)) {
            ZipEntry lib = zip.getEntry("org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so");
            if (lib == null) {
              return null;
            }
            Path dir = Files.createTempDirectory("kanban-test-native");
            try (InputStream in = zip.getInputStream(lib)) {
              Files.copy(in, dir.resolve("libsqlitejdbc.so"), StandardCopyOption.REPLACE_EXISTING);
            }
            dir.toFile().deleteOnExit();
            dir.resolve("libsqlitejdbc.so").toFile().deleteOnExit();
            nativeDir = dir;
            return dir;
          } catch (IOException e) {
            return null;
          }
        }
      }
      return null;
    }
  }

  private static volatile Path launcherDir;

  /**
   * A directory holding an executable {@code kanban} that runs the CLI from the test class path:
   * put it on a worker's PATH (gateway option launcherDir) so workers can report back.
   */
  public static Path launcherDir() {
    if (launcherDir != null) {
      return launcherDir;
    }
    synchronized (NATIVE_LOCK) {
      if (launcherDir == null) {
        try {
          Path dir = Files.createTempDirectory("kanban-test-launcher");
          StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
          for (String part : command()) {
            script.append(" '").append(part.replace("'", "'\\''")).append("'");
          }
          script.append(" \"$@\"\n");
          Path kanban = dir.resolve("kanban");
          Files.writeString(kanban, script.toString());
          kanban.toFile().setExecutable(true);
          launcherDir = dir;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return launcherDir;
    }
  }

  static InputStream empty() {
    return new ByteArrayInputStream(new byte[0]);
  }
}
