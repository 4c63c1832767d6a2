package org.agentkanban.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Starts CLI processes about a third cheaper: the class path's directories are packed into jars
 * once per test JVM and one training run records a class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}), which every later process maps instead of loading and
 * verifying the same few thousand classes again. The {@code ./kanban} launcher does the same.
 * Falls back to the plain class path when anything fails; {@code -Dkanban.test.cds=false} turns
 * it off.
 */
final class FastStart {
  private static final Object LOCK = new Object();
  private static volatile List<String> options;

  private FastStart() {}

  /** JVM options to put before the main class: the class path, and the archive when there is one. */
  static List<String> options(String classPath, List<String> jvmOptions) {
    if (options == null) {
      synchronized (LOCK) {
        if (options == null) {
          options = prepare(classPath, jvmOptions);
        }
      }
    }
    return options;
  }

  private static List<String> prepare(String classPath, List<String> jvmOptions) {
    List<String> plain = List.of("-Xshare:auto", "-cp", classPath);
    if ("false".equals(System.getProperty("kanban.test.cds"))) {
      return plain;
    }
    try {
      Path dir = Files.createTempDirectory("kanban-test-cds");
      dir.toFile().deleteOnExit();
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : classPath.split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
          Path jar = dir.resolve("classes-" + n++ + ".jar");
          jar(p, jar);
          entries.add(jar.toString());
        } else if (Files.isRegularFile(p)) {
          entries.add(entry);
        }
      }
      String jars = String.join(File.pathSeparator, entries);
      Path archive = dir.resolve("kanban-cli.jsa");
      archive.toFile().deleteOnExit();
      if (!train(dir, jars, archive, jvmOptions)) {
        return plain;
      }
      return List.of("-XX:SharedArchiveFile=" + archive, "-cp", jars);
    } catch (IOException | RuntimeException e) {
      return plain;
    }
  }

  /** One representative run (a first create on a fresh home) whose loaded classes go in the archive. */
  private static boolean train(Path dir, String jars, Path archive, List<String> jvmOptions) throws IOException {
    Path home = Files.createTempDirectory(dir, "home");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-XX:ArchiveClassesAtExit=" + archive);
    cmd.addAll(List.of("-cp", jars, "org.agentkanban.cli.Main", "create", "warm up", "--json"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().keySet().removeIf(k -> k.startsWith("KANBAN_"));
    pb.environment().put("KANBAN_HOME", home.toString());
    Process p = pb.start();
    try {
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      return done && p.exitValue() == 0 && Files.isRegularFile(archive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      deleteTree(home);
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    jar.toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(jar);
         JarOutputStream out = new JarOutputStream(file);
         Stream<Path> all = Files.walk(classes)) {
      for (Path p : all.sorted().toList()) {
        if (p.equals(classes)) {
          continue;
        }
        String name = classes.relativize(p).toString().replace(File.separatorChar, '/');
        if (Files.isDirectory(p)) {
          out.putNextEntry(new JarEntry(name + "/"));
        } else {
          out.putNextEntry(new JarEntry(name));
          Files.copy(p, out);
        }
        out.closeEntry();
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it up eventually
    }
  }
}
