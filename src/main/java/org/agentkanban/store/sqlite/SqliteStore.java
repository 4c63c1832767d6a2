package org.agentkanban.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.ReadTx;
import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.store.StoreUnavailableException.Cause;
import org.agentkanban.store.WriteTx;
import org.sqlite.SQLiteConfig;

/**
 * A board in one SQLite file, used the way {@code sqlite-rules.md} says: WAL set once at creation
 * and only verified afterwards; one writer connection per process, serialized by a lock, every
 * write an explicit {@code BEGIN IMMEDIATE}; separate reader connections whose snapshots end as
 * soon as the work does; the database files are never touched by Java I/O.
 *
 * <p>Why explicit {@code BEGIN IMMEDIATE} instead of JDBC's auto-commit off: sqlite-jdbc's
 * {@code commit()} immediately begins the next transaction, so an idle writer in IMMEDIATE mode
 * would hold the write lock forever. Both connections stay in auto-commit mode and we issue
 * {@code BEGIN}/{@code COMMIT} ourselves.
 */
public final class SqliteStore implements BoardStore, org.agentkanban.store.ChangeCounter,
    org.agentkanban.store.FileBackups {
  /**
   * File locks belong to the process: a second thread of this JVM asking for the same lock gets
   * an {@code OverlappingFileLockException} instead of waiting, so threads queue here first.
   * Creating a board is rare; one monitor for all boards is enough.
   */
  private static final Object INIT_LOCK_IN_THIS_JVM = new Object();
  /**
   * A verb writes about ten WAL pages where a one-row commit writes one, so SQLite's default (a
   * checkpoint, with two fsyncs, every 1,000 pages) would checkpoint ten times as often per
   * commit. 4,000 pages (16 MiB at 4 KiB pages) keeps bursts fast; the gateway checkpoints
   * (PASSIVE) when the board is idle, and the size limit below shrinks the file afterwards.
   */
  static final int WAL_AUTOCHECKPOINT_PAGES = 4_000;
  /** After a checkpoint resets it, a -wal file larger than this is truncated back to it. */
  static final long JOURNAL_SIZE_LIMIT_BYTES = 32L << 20;

  private final Path dbPath;
  private final String url;
  private final SqliteOptions options;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Statements> idleReaders;
  private final AtomicInteger readersOpen = new AtomicInteger();
  private Statements writer;
  private Statements watcher;
  private volatile boolean closed;

  private SqliteStore(Path dbPath, SqliteOptions options) {
    this.dbPath = dbPath;
    this.url = "jdbc:sqlite:" + dbPath;
    this.options = options;
    this.idleReaders = new ArrayBlockingQueue<>(Math.max(1, options.readerPoolSize()));
  }

  /** Opens (and with {@code options.create()} creates) the board database at {@code dbPath}. */
  public static SqliteStore open(Path dbPath, SqliteOptions options, Clock clock) {
    Path db = dbPath.toAbsolutePath().normalize();
    boolean exists = Files.exists(db);
    if (!exists && !options.create()) {
      throw KanbanException.notFound("no board database at " + db);
    }
    SqliteStore store = new SqliteStore(db, options);
    try {
      store.initialize(clock);
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private void initialize(Clock clock) {
    try {
      Files.createDirectories(dbPath.getParent());
    } catch (IOException e) {
      throw new StoreUnavailableException(Cause.IO, "cannot create board directory " + dbPath.getParent() + ": " + e.getMessage(), e);
    }
    writeLock.lock();
    try {
      Statements w = writer();
      int version = SqliteMigrations.currentVersion(w);
      if (version == 0 && !options.create()) {
        // An existing board whose file has no schema was emptied (truncated to nothing): creating
        // a fresh board here would hide the loss. It is damage, with the damage's way out.
        throw new StoreUnavailableException(Cause.CORRUPT, "board database " + dbPath + " is empty (truncated?); "
            + "run 'kanban doctor' and restore a backup", null);
      }
      if (version == 0) {
        createUnderInitLock(w, clock);
      } else {
        requireWal(w);
        if (version < SqliteMigrations.latestVersion()) {
          inWriteTransaction(w, () -> SqliteMigrations.migrate(w, dbPath.toString(), clock.now()));
        } else if (version > SqliteMigrations.latestVersion()) {
          SqliteMigrations.migrate(w, dbPath.toString(), clock.now()); // throws the explanation
        }
      }
    } catch (SQLException e) {
      throw translated(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * A new (or never initialized) board: WAL is switched on here, once, before any table exists.
   * The lock file (not a database file) keeps two processes from initializing at once.
   */
  private void createUnderInitLock(Statements w, Clock clock) throws SQLException {
    synchronized (INIT_LOCK_IN_THIS_JVM) {
      createUnderInitFileLock(w, clock);
    }
  }

  private void createUnderInitFileLock(Statements w, Clock clock) throws SQLException {
    Path lockFile = dbPath.resolveSibling(".init.lock");
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      if (SqliteMigrations.currentVersion(w) == 0) {
        String mode = journalMode(w);
        if (!"wal".equals(mode)) {
          w.exec("PRAGMA journal_mode=WAL");
        }
      }
      requireWal(w);
      inWriteTransaction(w, () -> SqliteMigrations.migrate(w, dbPath.toString(), clock.now()));
    } catch (IOException e) {
      throw new StoreUnavailableException(Cause.IO, "cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  private static String journalMode(Statements st) throws SQLException {
    return Jdbc.one(st.get("PRAGMA journal_mode"), rs -> rs.getString(1)).orElse("");
  }

  private void requireWal(Statements st) throws SQLException {
    String mode = journalMode(st);
    if (!"wal".equalsIgnoreCase(mode)) {
      // Never switch a live database's journal mode (sqlite-rules rule 6): refuse instead.
      throw new StoreUnavailableException(Cause.UNUSABLE,
          "board database " + dbPath + " is in journal mode '" + mode + "', not WAL; it was changed outside"
              + " Agent Kanban. Stop every process using it and run 'kanban doctor'", null);
    }
  }

  @FunctionalInterface
  private interface SqlWork {
    void run() throws SQLException;
  }

  private static void inWriteTransaction(Statements w, SqlWork work) throws SQLException {
    w.transaction("BEGIN IMMEDIATE");
    try {
      work.run();
      w.transaction("COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(w);
      throw e;
    }
  }

  private Statements writer() throws SQLException {
    if (writer == null) {
      writer = new Statements(connect());
      WRITERS.computeIfAbsent(dbPath, p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    }
    return writer;
  }

  private void closeWriter() {
    if (writer != null) {
      writer.close();
      writer = null;
      WRITERS.get(dbPath).decrementAndGet();
    }
  }

  /** Writer connections open in this process, per database file: the rule is one per board. */
  private static final java.util.Map<Path, java.util.concurrent.atomic.AtomicInteger> WRITERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** How many writer connections this process holds open on a board database right now. */
  public static int writerConnections(Path dbPath) {
    var n = WRITERS.get(dbPath.toAbsolutePath().normalize());
    return n == null ? 0 : n.get();
  }

  private Connection connect() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(options.busyTimeoutMs());
    config.enforceForeignKeys(true);
    config.setSynchronous(options.synchronousFull() ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, Integer.toString(WAL_AUTOCHECKPOINT_PAGES));
    config.setPragma(SQLiteConfig.Pragma.JOURNAL_SIZE_LIMIT, Long.toString(JOURNAL_SIZE_LIMIT_BYTES));
    // Ids come back through RETURNING; otherwise sqlite-jdbc runs an extra
    // "SELECT last_insert_rowid()" after every INSERT.
    config.setGetGeneratedKeys(false);
    // No journal-mode setting here: it is set once at creation and only read afterwards.
    return config.createConnection(url);
  }

  @Override
  public <T> T write(Function<WriteTx, T> work) {
    requireOpen();
    writeLock.lock();
    try {
      Statements w = writer();
      w.transaction("BEGIN IMMEDIATE");
      try {
        T result = work.apply(new SqliteTx(w, true));
        w.transaction("COMMIT");
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(w);
        throw e;
      }
    } catch (SQLException e) {
      discardWriterAfter(e);
      throw translated(e);
    } catch (SqliteTx.SqlFailure e) {
      discardWriterAfter(e.getCause());
      throw translated(e.getCause());
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * After a failed write (a full or read-only disk, an I/O error) the writer connection is
   * replaced: sqlite-jdbc may have finalized a cached statement (a failed COMMIT leaves "statement
   * is not executing" behind, and the transaction open), and a writer stuck inside a transaction
   * would refuse every later write ("cannot start a transaction within a transaction") long after
   * the disk has room again. Closing the connection ends any transaction it still had; the next
   * write opens a fresh one. A constraint violation is our own business and keeps the connection.
   */
  private void discardWriterAfter(SQLException e) {
    if (SqliteErrors.isConstraint(e)) {
      return;
    }
    closeWriter();
  }

  @Override
  public <T> T read(Function<ReadTx, T> work) {
    requireOpen();
    Statements r = borrowReader();
    boolean healthy = false;
    try {
      r.transaction("BEGIN");
      try {
        T result = work.apply(new SqliteTx(r, false));
        r.transaction("COMMIT");
        healthy = true;
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(r);
        healthy = !(e instanceof SQLException || e instanceof SqliteTx.SqlFailure);
        throw e;
      }
    } catch (SQLException e) {
      throw translated(e);
    } catch (SqliteTx.SqlFailure e) {
      throw translated(e.getCause());
    } finally {
      returnReader(r, healthy);
    }
  }

  private Statements borrowReader() {
    Statements r = idleReaders.poll();
    if (r != null) {
      return r;
    }
    if (readersOpen.incrementAndGet() <= Math.max(1, options.readerPoolSize())) {
      try {
        Connection c = connect();
        Statements st = new Statements(c);
        st.exec("PRAGMA query_only = ON");
        return st;
      } catch (SQLException e) {
        readersOpen.decrementAndGet();
        throw translated(e);
      }
    }
    readersOpen.decrementAndGet();
    try {
      return idleReaders.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KanbanException.unavailable("interrupted while waiting for a database reader", e);
    }
  }

  private void returnReader(Statements r, boolean healthy) {
    if (!healthy || closed || !idleReaders.offer(r)) {
      // A reader that failed may hold a broken connection: replace it rather than reuse it.
      readersOpen.decrementAndGet();
      r.close();
    }
  }

  private static void rollbackQuietly(Statements st) {
    try {
      st.transaction("ROLLBACK");
    } catch (SQLException ignored) {
      // SQLite may already have rolled back (e.g. after an I/O error); the original error matters.
    }
  }

  private RuntimeException translated(SQLException e) {
    StoreUnavailableException unavailable = SqliteErrors.translate(e, dbPath.toString());
    if (unavailable != null) {
      return unavailable;
    }
    if (SqliteErrors.isConstraint(e)) {
      return KanbanException.conflict("the change conflicts with the board's data (" + e.getMessage() + ")");
    }
    return new IllegalStateException("SQLite error on " + dbPath + ": " + e.getMessage(), e);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("store for " + dbPath + " is closed");
    }
  }

  /**
   * {@code PRAGMA data_version} on a connection of its own: it changes when any other connection
   * commits, including this store's writer. One pragma, no table read, no lasting read transaction.
   */
  @Override
  public synchronized long changeCounter() {
    requireOpen();
    try {
      if (watcher == null) {
        watcher = new Statements(connect());
      }
      return Jdbc.longValue(watcher.get("PRAGMA data_version"));
    } catch (SQLException e) {
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
      throw translated(e);
    }
  }

  public Path path() {
    return dbPath;
  }

  // ---- FileBackups ---------------------------------------------------------------------------

  /**
   * {@code VACUUM INTO} on a connection of its own: SQLite writes a consistent, compacted copy from
   * one read snapshot while writers carry on. The copy is then opened by a new connection and must
   * pass {@code integrity_check}; no Java I/O ever reads the live files.
   */
  @Override
  public Backup backupTo(Path target, long now) {
    requireOpen();
    if (Files.exists(target)) {
      throw new IllegalArgumentException("backup target exists: " + target);
    }
    long started = System.nanoTime();
    long lastEvent;
    try (Connection c = connect(); var st = c.createStatement()) {
      try (var rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
        lastEvent = rs.next() ? rs.getLong(1) : 0;
      }
      try (var ps = c.prepareStatement("VACUUM INTO ?")) {
        ps.setString(1, target.toString());
        ps.execute();
      }
    } catch (SQLException e) {
      deleteQuietly(target);
      throw translated(e);
    }
    Integrity verdict = check(target, "integrity_check");
    if (!verdict.ok()) {
      deleteQuietly(target);
      // The copy is bad, not (as far as anyone knows) the live board: never a reason to restore it.
      throw new StoreUnavailableException(Cause.IO, "the backup of " + dbPath + " failed verification ("
          + String.join("; ", verdict.problems()) + "); the board itself is not affected", null);
    }
    long bytes;
    try {
      bytes = Files.size(target);
      SqliteRecovery.writeSidecar(target, now, bytes, lastEvent);
    } catch (IOException e) {
      deleteQuietly(target);
      throw new StoreUnavailableException(Cause.IO, "cannot record the backup " + target + ": " + e.getMessage(), e);
    }
    return new Backup(target, bytes, (System.nanoTime() - started) / 1_000_000, lastEvent, now);
  }

  @Override
  public long copyAsIsTo(Path target) {
    requireOpen();
    if (Files.exists(target)) {
      throw new IllegalArgumentException("copy target exists: " + target);
    }
    try (Connection c = connect(); var ps = c.prepareStatement("VACUUM INTO ?")) {
      ps.setString(1, target.toString());
      ps.execute();
      return Files.size(target);
    } catch (SQLException e) {
      deleteQuietly(target);
      throw translated(e);
    } catch (IOException e) {
      throw new StoreUnavailableException(Cause.IO, "cannot read the size of " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void probe() {
    requireOpen();
    try (Connection c = connect(); var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
      rs.next();
    } catch (SQLException e) {
      throw translated(e);
    }
  }

  @Override
  public Integrity quickCheck() {
    requireOpen();
    return check(dbPath, "quick_check");
  }

  @Override
  public Integrity integrityCheck() {
    requireOpen();
    return check(dbPath, "integrity_check");
  }

  /** Runs a check pragma on a fresh connection to {@code file} and collects its complaints. */
  private Integrity check(Path file, String pragma) {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(options.busyTimeoutMs());
    config.setReadOnly(!file.equals(dbPath));
    try (Connection c = config.createConnection("jdbc:sqlite:" + file);
        var st = c.createStatement();
        var rs = st.executeQuery("PRAGMA " + pragma + "(20)")) {
      java.util.List<String> problems = new java.util.ArrayList<>();
      while (rs.next()) {
        String line = rs.getString(1);
        // "*** in database main ***" only introduces the complaints that follow it.
        if (!"ok".equals(line) && !line.startsWith("*** in database")) {
          problems.add(line);
        }
      }
      return new Integrity(problems.isEmpty(), problems);
    } catch (SQLException e) {
      StoreUnavailableException t = SqliteErrors.translate(e, file.toString());
      if (t != null && t.reason() == Cause.CORRUPT) {
        return new Integrity(false, java.util.List.of(e.getMessage()));
      }
      throw translated(e);
    }
  }

  @Override
  public Checkpoint checkpointPassive() {
    requireOpen();
    writeLock.lock();
    try {
      Statements w = writer();
      try (var rs = w.get("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
        rs.next();
        return new Checkpoint(rs.getInt(1) != 0, rs.getLong(2), rs.getLong(3));
      }
    } catch (SQLException e) {
      discardWriterAfter(e);
      throw translated(e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long walBytes() {
    try {
      Path wal = dbPath.resolveSibling(dbPath.getFileName() + "-wal");
      return Files.exists(wal) ? Files.size(wal) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public Path databaseFile() {
    return dbPath;
  }

  @Override
  public String journalMode() {
    requireOpen();
    writeLock.lock();
    try {
      return journalMode(writer());
    } catch (SQLException e) {
      throw translated(e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void reindex() {
    requireOpen();
    writeLock.lock();
    try {
      writer().exec("REINDEX");
    } catch (SQLException e) {
      throw translated(e);
    } finally {
      writeLock.unlock();
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover partial backup is overwritten by name next time and reported by doctor
    }
  }

  @Override
  public String location() {
    return dbPath.toString();
  }

  @Override
  public void close() {
    closed = true;
    Statements r;
    while ((r = idleReaders.poll()) != null) {
      r.close();
    }
    synchronized (this) {
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
    }
    writeLock.lock();
    try {
      closeWriter();
    } finally {
      writeLock.unlock();
    }
  }
}
