package org.agentkanban.store;

import java.nio.file.Path;

/**
 * Which board to open and how: the board's directory (its database lives inside for SQLite) and,
 * when {@code board.yaml} names one, an external database URL.
 *
 * @param synchronousFull SQLite durability: FULL (default) or NORMAL
 */
public record StoreTarget(String slug, Path directory, String databaseUrl, boolean synchronousFull) {}
