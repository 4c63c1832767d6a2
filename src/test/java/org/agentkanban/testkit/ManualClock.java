package org.agentkanban.testkit;

import java.util.concurrent.atomic.AtomicLong;
import org.agentkanban.domain.Clock;

/** A clock that moves only when a test says so. */
public final class ManualClock implements Clock {
  private final AtomicLong now;

  public ManualClock(long startMs) {
    this.now = new AtomicLong(startMs);
  }

  public ManualClock() {
    this(1_790_000_000_000L);
  }

  @Override
  public long now() {
    return now.get();
  }

  public void advance(long ms) {
    now.addAndGet(ms);
  }

  public void set(long ms) {
    now.set(ms);
  }
}
