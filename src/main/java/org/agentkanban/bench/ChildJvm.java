package org.agentkanban.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Command lines for the JVMs a drill starts and kills, on this JVM's class path. Starting a JVM is
 * what a kill torture spends its time on, so the short-lived ones start the way the {@code kanban}
 * launcher starts the CLI: C1 only, the serial collector, sqlite-jdbc's native library extracted
 * once, and a class-data-sharing archive recorded by one training run (class directories are
 * packed into a jar for it, as the archive needs jars). No JVM writes {@code hsperfdata}, and
 * nothing extracts a library into /tmp: a SIGKILLed JVM never deletes what it left there, and ten
 * thousand kills would leave ten thousand files.
 */
final class ChildJvm {
  private final Path scratch;
  private final Path nativeDir;
  private String classPath = plainClassPath();
  private Path archive;

  /** @param scratch a directory of the drill's, for the native library, the jars and the archive */
  ChildJvm(Path scratch) throws IOException {
    this.scratch = scratch;
    this.nativeDir = extractNativeSqlite(scratch.resolve("native"));
  }

  /**
   * Records a class-data-sharing archive from one run of {@code mainClass} (it must exit by itself),
   * used from then on by every short-lived JVM. Without it everything still works, only slower.
   */
  void train(String mainClass, List<String> args, Path home) {
    try {
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : plainClassPath().split(File.pathSeparator)) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
          Path jar = scratch.resolve("classes-" + n++ + ".jar");
          jar(p, jar);
          entries.add(jar.toString());
        } else if (Files.isRegularFile(p)) {
          entries.add(entry);
        }
      }
      String jars = String.join(File.pathSeparator, entries);
      Path jsa = scratch.resolve("writer.jsa");
      List<String> cmd = new ArrayList<>(base(false));
      cmd.add("-XX:ArchiveClassesAtExit=" + jsa);
      cmd.addAll(List.of("-cp", jars, mainClass));
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().keySet().removeIf(k -> k.startsWith("KANBAN_"));
      pb.environment().put("KANBAN_HOME", home.toString());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return;
      }
      if (p.exitValue() == 0 && Files.isRegularFile(jsa)) {
        classPath = jars;
        archive = jsa;
      }
    } catch (IOException e) {
      // no archive: slower starts, same results
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code java <options> -cp <class path> <main> <args>}; {@code fullJit} for long-lived processes. */
  List<String> command(boolean fullJit, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>(base(fullJit));
    if (!fullJit && archive != null) {
      cmd.add("-XX:SharedArchiveFile=" + archive);
    }
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * The options every child gets. Short-lived ones also log nothing through logback (its start
   * costs as much as the rest of the writer's): their failures still reach stderr.
   */
  private List<String> base(boolean fullJit) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(fullJit ? List.of("-XX:+UseSerialGC")
        : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider"));
    cmd.addAll(List.of("-XX:-UsePerfData", "-Xshare:auto", "-Xlog:disable", "-Xlog:all=warning:stderr"));
    if (nativeDir != null) {
      cmd.add("-Dorg.sqlite.lib.path=" + nativeDir);
      cmd.add("-Dorg.sqlite.lib.name=libsqlitejdbc.so");
    }
    return cmd;
  }

  /** Under Maven's test runner the real class path is in its own property. */
  private static String plainClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  private static Path extractNativeSqlite(Path dir) throws IOException {
    String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch64" : "x86_64";
    Path jar;
    try {
      var source = Class.forName("org.sqlite.JDBC").getProtectionDomain().getCodeSource();
      if (source == null) {
        return null;
      }
      jar = Path.of(source.getLocation().toURI());
    } catch (ReflectiveOperationException | java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
    if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
      return null;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry lib = zip.getEntry("org/sqlite/native/Linux/" + arch + "/libsqlitejdbc.so");
      if (lib == null) {
        return null;
      }
      Files.createDirectories(dir);
      try (InputStream in = zip.getInputStream(lib)) {
        Files.copy(in, dir.resolve("libsqlitejdbc.so"), StandardCopyOption.REPLACE_EXISTING);
      }
      return dir;
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
         JarOutputStream out = new JarOutputStream(file);
         Stream<Path> all = Files.walk(classes)) {
      for (Path p : all.sorted().toList()) {
        if (p.equals(classes)) {
          continue;
        }
        String name = classes.relativize(p).toString().replace(File.separatorChar, '/');
        out.putNextEntry(new JarEntry(Files.isDirectory(p) ? name + "/" : name));
        if (!Files.isDirectory(p)) {
          Files.copy(p, out);
        }
        out.closeEntry();
      }
    }
  }
}
