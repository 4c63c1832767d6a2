package org.agentkanban.domain;

/** Time in epoch milliseconds, injected everywhere so tests can move it. */
@FunctionalInterface
public interface Clock {
  long now();

  Clock SYSTEM = System::currentTimeMillis;
}
