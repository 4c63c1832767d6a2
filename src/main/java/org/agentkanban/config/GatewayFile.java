package org.agentkanban.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.agentkanban.domain.KanbanException;

/**
 * {@code $KANBAN_HOME/gateway.json}: written by a running gateway (mode 0600, it holds the admin
 * token) so the CLI on this host can find it and route through it.
 *
 * @param hostId the {@code HostIdentity} of the gateway's host: a pid only means something there
 * @param processStartedAt the gateway process's start time, so a recycled pid is not mistaken for it
 */
public record GatewayFile(long pid, long processStartedAt, String hostId, String bind, int port, String adminToken,
    long startedAt, String version) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public String url() {
    String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public static Optional<GatewayFile> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), GatewayFile.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes atomically with owner-only permissions. */
  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this), StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether the process that wrote this file still runs (same pid and start time). */
  public boolean processAlive() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(h -> h.info().startInstant().map(s -> s.toEpochMilli() == processStartedAt).orElse(true))
        .orElse(false);
  }

  /** Whether something accepts connections on the gateway's port. */
  public boolean portOpen(int timeoutMs) {
    String host = url().replaceFirst("^http://", "").replaceFirst(":\\d+$", "").replace("[", "").replace("]", "");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
