package org.agentkanban.store.sqlite;

/**
 * How a board database is opened.
 *
 * @param create create the file if it does not exist (otherwise a missing board is an error)
 * @param synchronousFull {@code synchronous=FULL} (default: acknowledged commits survive power
 *     loss) or {@code NORMAL} (faster; may lose the last commits on an OS crash, never consistency)
 * @param busyTimeoutMs how long a writer waits for another process's lock before giving up
 * @param readerPoolSize read connections kept open; the gateway uses several, the CLI one
 */
public record SqliteOptions(boolean create, boolean synchronousFull, int busyTimeoutMs, int readerPoolSize) {
  public static final int BUSY_TIMEOUT_MS_DEFAULT = 10_000;

  public static SqliteOptions defaults() {
    return new SqliteOptions(false, true, BUSY_TIMEOUT_MS_DEFAULT, 1);
  }

  public SqliteOptions creating() {
    return new SqliteOptions(true, synchronousFull, busyTimeoutMs, readerPoolSize);
  }

  public SqliteOptions withSynchronousFull(boolean full) {
    return new SqliteOptions(create, full, busyTimeoutMs, readerPoolSize);
  }

  public SqliteOptions withReaders(int n) {
    return new SqliteOptions(create, synchronousFull, busyTimeoutMs, n);
  }
}
