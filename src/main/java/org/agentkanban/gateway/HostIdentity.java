package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which host, boot and PID namespace a process id belongs to. A PID only means something within
 * one boot of one machine's PID namespace: comparing all three keeps a hostname change (#73277) or
 * a container that shares the hostname but not the PID namespace (#104125) from confusing liveness.
 */
public final class HostIdentity {
  private static final String CURRENT = compute();

  private HostIdentity() {}

  /** {@code <machine-id>/<boot-id>/<pid namespace>}, stable for the life of this boot. */
  public static String current() {
    return CURRENT;
  }

  public static boolean isCurrent(String hostId) {
    return CURRENT.equals(hostId);
  }

  private static String compute() {
    String machine = firstLine(Path.of("/etc/machine-id"));
    if (machine == null) {
      machine = firstLine(Path.of("/var/lib/dbus/machine-id"));
    }
    String boot = firstLine(Path.of("/proc/sys/kernel/random/boot_id"));
    String pidns = null;
    try {
      pidns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException ignored) {
      // not Linux: the other parts still identify the host
    }
    return (machine == null ? "unknown-machine" : machine) + "/" + (boot == null ? "unknown-boot" : boot)
        + "/" + (pidns == null ? "unknown-pidns" : pidns.replaceAll("[^0-9]", ""));
  }

  private static String firstLine(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.US_ASCII).stream().findFirst().map(String::strip)
          .filter(s -> !s.isEmpty()).orElse(null);
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
