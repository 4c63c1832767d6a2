package org.agentkanban.store;

import java.nio.file.Path;

/**
 * Which board to open and how: the board's directory (its database lives inside for SQLite) and,
 * when {@code board.yaml} names one, an external database URL.
 *
 * @param synchronousFull SQLite durability from board.yaml: FULL or NORMAL, or null for the
 *     store factory's default (FULL unless configured otherwise)
 */
public record StoreTarget(String slug, Path directory, String databaseUrl, Boolean synchronousFull) {}
