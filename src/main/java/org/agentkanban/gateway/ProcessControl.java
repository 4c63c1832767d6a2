package org.agentkanban.gateway;

import java.time.Duration;
import java.util.Optional;

/**
 * How the supervisor observes and stops processes. The real one signals process trees; tests use a
 * fake to play workers that cannot be killed (a process stuck in the kernel).
 */
public interface ProcessControl {

  Optional<ProcessHandle> live(WorkerIdentity worker);

  ProcessTree.StopResult stop(WorkerIdentity worker, Duration grace);

  /** Members of the worker's process group still running after the worker itself exited. */
  boolean hasLeftovers(WorkerIdentity worker);

  ProcessControl REAL = new ProcessControl() {
    @Override
    public Optional<ProcessHandle> live(WorkerIdentity worker) {
      return worker.live();
    }

    @Override
    public ProcessTree.StopResult stop(WorkerIdentity worker, Duration grace) {
      return ProcessTree.stop(worker, grace);
    }

    @Override
    public boolean hasLeftovers(WorkerIdentity worker) {
      return !ProcessTree.groupMembers(worker).isEmpty();
    }
  };
}
