package org.agentkanban.bench;

import java.util.Arrays;

/** Durations of repeated calls, for percentiles. */
final class Latencies {
  private final long[] nanos;
  private int count;

  Latencies(int capacity) {
    nanos = new long[capacity];
  }

  /** Runs {@code call} {@code times} times and records each duration. */
  static Latencies measure(int times, Runnable call) {
    Latencies l = new Latencies(times);
    for (int i = 0; i < times; i++) {
      long start = System.nanoTime();
      call.run();
      l.nanos[l.count++] = System.nanoTime() - start;
    }
    return l;
  }

  /** Records one duration measured elsewhere (capacity permitting). */
  void add(long durationNanos) {
    if (count < nanos.length) {
      nanos[count++] = durationNanos;
    }
  }

  /** The nearest-rank percentile in milliseconds, e.g. {@code percentileMs(99)}. */
  double percentileMs(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.max(0, Math.min(count, rank) - 1)] / 1e6;
  }

  int count() {
    return count;
  }
}
