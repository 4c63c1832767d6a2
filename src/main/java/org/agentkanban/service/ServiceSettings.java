package org.agentkanban.service;

import org.agentkanban.domain.CircuitBreaker;

/**
 * Board-wide defaults the verbs apply.
 *
 * @param maxRetries retries before the breaker trips, for tasks that set none
 * @param attachmentMaxBytes the largest file {@code attach} accepts
 */
public record ServiceSettings(int maxRetries, long attachmentMaxBytes) {
  /** 25 MiB, as in the reference system. */
  public static final long ATTACHMENT_MAX_BYTES_DEFAULT = 25L << 20;

  public static ServiceSettings defaults() {
    return new ServiceSettings(CircuitBreaker.DEFAULT_MAX_RETRIES, ATTACHMENT_MAX_BYTES_DEFAULT);
  }
}
