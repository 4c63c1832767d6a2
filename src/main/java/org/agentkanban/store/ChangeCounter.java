package org.agentkanban.store;

/**
 * An optional store capability: a number that changes whenever any connection, in this process or
 * another, commits a change to the board. The gateway polls it to notice writes it did not make
 * (a CLI process writing directly) within a fraction of a second, without reading any table.
 */
public interface ChangeCounter {
  long changeCounter();
}
