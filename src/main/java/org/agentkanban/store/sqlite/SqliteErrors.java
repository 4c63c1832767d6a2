package org.agentkanban.store.sqlite;

import java.sql.SQLException;
import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.store.StoreUnavailableException.Cause;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Maps SQLite's result codes to the store's vocabulary, in this one place. Corruption is what SQLite
 * says it is (SQLITE_CORRUPT, SQLITE_NOTADB); "busy" and "locked" are never corruption.
 */
final class SqliteErrors {
  private static final int SQLITE_PERM = 3;
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;
  private static final int SQLITE_READONLY = 8;
  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_CORRUPT = 11;
  private static final int SQLITE_FULL = 13;
  private static final int SQLITE_CANTOPEN = 14;
  private static final int SQLITE_NOTADB = 26;

  private SqliteErrors() {}

  /** The primary result code of a SQLite error, or -1 if it is not one. */
  static int primaryCode(SQLException e) {
    if (e instanceof SQLiteException s) {
      SQLiteErrorCode code = s.getResultCode();
      return code == null ? -1 : code.code & 0xff;
    }
    return e.getErrorCode() & 0xff;
  }

  static boolean isConstraint(SQLException e) {
    return primaryCode(e) == 19;
  }

  /**
   * Translates a failure into a store error, or returns null when the failure is a bug in our own
   * SQL (which must surface as an internal error, not be mistaken for a sick board).
   */
  static StoreUnavailableException translate(SQLException e, String location) {
    int code = primaryCode(e);
    String detail = e.getMessage() == null ? "" : e.getMessage();
    return switch (code) {
      case SQLITE_BUSY, SQLITE_LOCKED ->
          new StoreUnavailableException(Cause.BUSY,
              "board is busy: another process held its write lock past the busy timeout (" + location + ")", e);
      case SQLITE_CORRUPT, SQLITE_NOTADB ->
          new StoreUnavailableException(Cause.CORRUPT,
              "board database is damaged (" + detail + "): " + location
                  + "; run 'kanban doctor' and restore a backup", e);
      case SQLITE_IOERR, SQLITE_FULL ->
          new StoreUnavailableException(Cause.IO,
              "board storage failed (" + detail + "): " + location + "; check free disk space and the file system", e);
      case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN ->
          new StoreUnavailableException(Cause.IO,
              "board database cannot be written or opened (" + detail + "): " + location
                  + "; check permissions of the board directory", e);
      default -> null;
    };
  }
}
