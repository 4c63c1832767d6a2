package org.agentkanban.gateway;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Per-run files under {@code <board>/logs/<task>/}: the worker's output ({@code <run>.log}), its
 * exit status written by the launch wrapper ({@code <run>.exit}) and, for shell assignees, the
 * script ({@code <run>.sh}). The worker appends to its log directly, so it keeps running when the
 * gateway stops; rotation copies the log to {@code .1} and truncates it (the worker's appends
 * continue at the new end).
 */
public final class RunLogs {
  private final Path logsRoot;

  public RunLogs(Path logsRoot) {
    this.logsRoot = logsRoot;
  }

  public Path dir(String taskId) {
    return logsRoot.resolve(taskId);
  }

  public Path log(String taskId, long runId) {
    return dir(taskId).resolve(runId + ".log");
  }

  public Path exitFile(String taskId, long runId) {
    return dir(taskId).resolve(runId + ".exit");
  }

  public Path script(String taskId, long runId) {
    return dir(taskId).resolve(runId + ".sh");
  }

  /** The exit status the wrapper recorded, or null when the worker died without it. */
  public Integer recordedExit(String taskId, long runId) {
    Path f = exitFile(taskId, runId);
    try {
      if (!Files.exists(f)) {
        return null;
      }
      String s = Files.readString(f, StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? null : Integer.valueOf(s);
    } catch (IOException | NumberFormatException e) {
      return null;
    }
  }

  /** The last {@code maxBytes} of the run's log, decoded leniently. */
  public String tail(String taskId, long runId, int maxBytes) {
    Path f = log(taskId, runId);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      long len = raf.length();
      long start = Math.max(0, len - maxBytes);
      byte[] buf = new byte[(int) (len - start)];
      raf.seek(start);
      raf.readFully(buf);
      String s = new String(buf, StandardCharsets.UTF_8);
      return start > 0 ? s.substring(Math.min(s.length(), Math.max(0, s.indexOf('\n') + 1))) : s;
    } catch (IOException e) {
      return "";
    }
  }

  /** Rotates the log when it grew past {@code maxBytes}. */
  public boolean rotateIfLarge(String taskId, long runId, long maxBytes) {
    Path f = log(taskId, runId);
    try {
      if (!Files.exists(f) || Files.size(f) <= maxBytes) {
        return false;
      }
      Files.copy(f, f.resolveSibling(f.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(0);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
