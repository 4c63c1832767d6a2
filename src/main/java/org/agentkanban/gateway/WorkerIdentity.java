package org.agentkanban.gateway;

import java.time.Instant;
import java.util.Optional;

/**
 * A worker process as the board records it: host identity, PID and the process's start time. A PID
 * alone can be reused; together with the start time and the host it names exactly one process, so
 * a recycled PID or a zombie never passes for our worker and we never signal a stranger.
 */
public record WorkerIdentity(String hostId, long pid, long startedAtMs) {

  public static Optional<WorkerIdentity> of(ProcessHandle handle) {
    Optional<Instant> start = handle.info().startInstant();
    return start.map(s -> new WorkerIdentity(HostIdentity.current(), handle.pid(), s.toEpochMilli()));
  }

  /** The live process this identity names, if it is on this host and still the same process. */
  public Optional<ProcessHandle> live() {
    if (!HostIdentity.isCurrent(hostId)) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().startInstant().map(s -> s.toEpochMilli() == startedAtMs).orElse(false));
  }

  public boolean isOnThisHost() {
    return HostIdentity.isCurrent(hostId);
  }
}
