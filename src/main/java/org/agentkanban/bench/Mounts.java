package org.agentkanban.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real file-system faults for the drills, each caused by a separate process ({@code mount},
 * {@code dd}, {@code rm}), never by Java I/O on a board's files: a small tmpfs mounted over a
 * board's directory, remounted read-only and writable again, or filled with a ballast file.
 * Needs root (or CAP_SYS_ADMIN) and a kernel that lets this process mount.
 */
final class Mounts {
  private Mounts() {}

  /** Why real mounts cannot be used here, or null when they can (tried once with a scratch tmpfs). */
  static String unavailableReason(Path scratch) {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return "not Linux";
    }
    Path probe = scratch.resolve("mount-probe");
    try {
      Files.createDirectories(probe);
      String out = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString());
      if (out != null) {
        return "this process may not mount a tmpfs (" + out.strip() + ")";
      }
      run("umount", probe.toString());
      return null;
    } catch (IOException e) {
      return "cannot run mount: " + e.getMessage();
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException ignored) {
        // a leftover empty directory in the drill's scratch space
      }
    }
  }

  static void tmpfs(Path dir, long bytes) throws IOException {
    Files.createDirectories(dir);
    require(run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString()), "mount a tmpfs on " + dir);
  }

  /**
   * Remounts read-only or writable. The kernel refuses read-only (EBUSY) while any process holds a
   * file on it open for writing: returns that refusal, or null when it worked.
   */
  static String remount(Path dir, boolean readOnly) throws IOException {
    return run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", dir.toString());
  }

  /** Fills the file system with a ballast file until it is full ({@code dd} stops at ENOSPC). */
  static void fill(Path ballast) throws IOException {
    run("dd", "if=/dev/zero", "of=" + ballast, "bs=64k");
  }

  static void remove(Path file) throws IOException {
    require(run("rm", "-f", file.toString()), "remove " + file);
  }

  static void unmount(Path dir) {
    try {
      if (run("umount", dir.toString()) != null) {
        run("umount", "-l", dir.toString());
      }
    } catch (IOException ignored) {
      // nothing mounted, or already gone
    }
  }

  private static void require(String failure, String what) throws IOException {
    if (failure != null) {
      throw new IOException("cannot " + what + ": " + failure.strip());
    }
  }

  /** Runs a command; null when it exited 0, else its output. */
  private static String run(String... command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", cmd) + " timed out";
      }
      return p.exitValue() == 0 ? null : new String(out, StandardCharsets.UTF_8) + " (exit " + p.exitValue() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
