package org.agentkanban.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.ErrorKind;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.Status;
import org.agentkanban.domain.Task;
import org.agentkanban.store.EventQuery;
import org.agentkanban.store.ReadTx;
import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.store.StoreUnavailableException.Cause;
import org.agentkanban.store.TaskQuery;
import org.agentkanban.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the SQLite store promises (sqlite-rules.md): WAL set once and never switched back,
 * refusal of boards it cannot use safely, locks released as soon as a transaction ends, and several
 * stores ("processes") on one file. The test's own JDBC connections play the other process; the
 * files are only ever looked at with {@code stat} ({@link Files#size}, {@link Files#exists}).
 */
class SqliteStoreFilesTest {
  private static final long T0 = 1_790_000_000_000L;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private Path db() {
    return dir.resolve("board.db");
  }

  private Path wal() {
    return dir.resolve("board.db-wal");
  }

  private SqliteStore open(SqliteOptions options) {
    SqliteStore s = SqliteStore.open(db(), options, clock);
    toClose.add(s);
    return s;
  }

  private SqliteStore create() {
    return open(SqliteOptions.defaults().creating());
  }

  /** Another process's connection, with busy_timeout 0 so that any lock it meets fails at once. */
  private Connection otherConnection() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
    toClose.add(0, c);
    exec(c, "PRAGMA busy_timeout = 0");
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The first row of a query, as strings. */
  private static List<String> row(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          out.add(rs.getString(i));
        }
      }
      return out;
    }
  }

  private static void insertTask(SqliteStore s, String id) {
    s.write(tx -> {
      tx.taskInsert(Task.builder(id, "Task " + id, T0).build());
      return tx.eventAppend(new Event(0, id, null, EventKind.CREATED, "test", null, T0));
    });
  }

  private void assertIntegrityOk() throws SQLException {
    Connection c = otherConnection();
    assertThat(row(c, "PRAGMA integrity_check")).containsExactly("ok");
    assertThat(row(c, "PRAGMA foreign_key_check")).isEmpty();
  }

  private static StoreUnavailableException unavailable(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).isInstanceOf(StoreUnavailableException.class);
    StoreUnavailableException e = (StoreUnavailableException) t;
    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    return e;
  }

  @Test
  void aNewBoardIsInWalMode() throws SQLException {
    create();

    assertThat(row(otherConnection(), "PRAGMA journal_mode")).containsExactly("wal");
  }

  @Test
  void openingAMissingBoardWithoutCreateIsNotFoundAndCreatesNothing() {
    Throwable t = catchThrowable(() -> open(SqliteOptions.defaults()));

    assertThat(t).isInstanceOf(KanbanException.class);
    assertThat(((KanbanException) t).kind()).isEqualTo(ErrorKind.NOT_FOUND);
    assertThat(Files.exists(db())).isFalse();
  }

  @Test
  void aBoardSwitchedToDeleteJournalModeIsRefusedAndNotSwitchedBack() throws SQLException {
    SqliteStore first = create();
    insertTask(first, "t_before");
    first.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
      assertThat(row(c, "PRAGMA journal_mode = DELETE")).containsExactly("delete");
    }

    StoreUnavailableException e = unavailable(() -> open(SqliteOptions.defaults()));

    assertThat(e.reason()).isEqualTo(Cause.UNUSABLE);
    assertThat(e.getMessage()).contains("journal mode 'delete'").contains(db().toString());
    assertThat(row(otherConnection(), "PRAGMA journal_mode")).containsExactly("delete");
  }

  @Test
  void aSchemaNewerThanThisBuildSupportsIsRefused() throws SQLException {
    create().close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
      exec(c, "INSERT INTO schema_version (version, name, applied_at) VALUES (99, '099_future.sql', 0)");
    }

    StoreUnavailableException e = unavailable(() -> open(SqliteOptions.defaults()));

    assertThat(e.reason()).isEqualTo(Cause.UNUSABLE);
    assertThat(e.getMessage()).contains("schema version 99").contains("newer");
    assertThat(row(otherConnection(), "SELECT max(version) FROM schema_version")).containsExactly("99");
  }

  @Test
  void aBoardOfSchemaVersionOneIsMigratedWhenOpenedAndKeepsItsData() throws SQLException {
    SqliteStore first = create();
    insertTask(first, "t_old");
    first.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db())) {
      // Back to the indexes of version 1, as a board created by an older kanban has them.
      exec(c, "DROP INDEX tasks_by_tenant");
      exec(c, "CREATE INDEX tasks_by_tenant ON tasks (tenant)");
      exec(c, "CREATE INDEX runs_open_by_lease ON runs (lease_expires_at) WHERE ended_at IS NULL");
      exec(c, "DELETE FROM schema_version WHERE version > 1");
    }

    SqliteStore reopened = open(SqliteOptions.defaults());

    assertThat(reopened.read((ReadTx tx) -> tx.taskGet("t_old"))).isPresent();
    Connection c = otherConnection();
    assertThat(row(c, "SELECT max(version) FROM schema_version"))
        .containsExactly(String.valueOf(SqliteMigrations.latestVersion()));
    assertThat(row(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'runs_open_by_lease'")).containsExactly("0");
    assertThat(row(c, "SELECT sql FROM sqlite_schema WHERE name = 'tasks_by_tenant'").get(0))
        .contains("WHERE tenant IS NOT NULL");
    assertIntegrityOk();
  }

  @Test
  void aWriteLockHeldByAnotherConnectionPastTheBusyTimeoutIsUnavailableBusyAndPasses() throws SQLException {
    SqliteStore store = open(new SqliteOptions(true, true, 100, 1));
    Connection other = otherConnection();
    exec(other, "BEGIN IMMEDIATE");

    StoreUnavailableException e = unavailable(() -> insertTask(store, "t_blocked"));

    assertThat(e.reason()).isEqualTo(Cause.BUSY);
    assertThat(e.reason().isTransient()).isTrue();
    exec(other, "ROLLBACK");
    insertTask(store, "t_after");
    assertThat(store.read((ReadTx tx) -> tx.taskStatuses(List.of("t_blocked", "t_after")))).containsOnlyKeys("t_after");
    assertIntegrityOk();
  }

  @Test
  void anIdleStoreHoldsNoWriteLockAfterACommitAFailedWriteOrARead() throws SQLException {
    SqliteStore store = create();
    Connection other = otherConnection();

    insertTask(store, "t_committed");
    exec(other, "BEGIN IMMEDIATE");
    exec(other, "COMMIT");

    catchThrowable(() -> store.write(tx -> {
      tx.taskInsert(Task.builder("t_failed", "x", T0).build());
      throw new IllegalStateException("the work failed");
    }));
    exec(other, "BEGIN IMMEDIATE");
    exec(other, "COMMIT");

    store.read(tx -> tx.taskGet("t_committed"));
    exec(other, "BEGIN IMMEDIATE");
    exec(other, "INSERT INTO board_meta (key, value) VALUES ('written_by', 'other')");
    exec(other, "COMMIT");

    assertThat(store.read((ReadTx tx) -> tx.metaGet("written_by"))).contains("other");
  }

  @Test
  void readsEndTheirSnapshotSoACheckpointCanEmptyTheWal() throws Exception {
    SqliteStore store = open(SqliteOptions.defaults().withReaders(2).creating());
    for (int i = 0; i < 20; i++) {
      insertTask(store, "t_wal" + i);
    }
    assertThat(Files.size(wal())).isPositive();

    store.read(tx -> tx.taskGet("t_wal3"));
    store.read(tx -> tx.taskList(TaskQuery.byStatus(Status.READY, 5)));
    store.read(tx -> tx.eventList(EventQuery.latestOfTask("t_wal4", 1)));
    store.read(ReadTx::eventMaxId);
    store.write(tx -> tx.taskGet("t_wal5"));

    assertThat(row(otherConnection(), "PRAGMA wal_checkpoint(TRUNCATE)")).first().isEqualTo("0");
    assertThat(Files.size(wal())).isZero();
  }

  @Test
  void twoStoresOnOneFileWritingAlternatelyStayConsistent() throws SQLException {
    SqliteStore a = create();
    SqliteStore b = open(SqliteOptions.defaults());
    insertTask(a, "t_shared");
    List<Long> eventIds = new ArrayList<>();

    for (int i = 0; i < 40; i++) {
      SqliteStore writer = i % 2 == 0 ? a : b;
      SqliteStore other = i % 2 == 0 ? b : a;
      int n = i;
      eventIds.add(writer.write(tx -> {
        Task t = tx.taskGet("t_shared").orElseThrow();
        tx.taskUpdate(t.toBuilder().priority(t.priority() + 1).build());
        tx.taskInsert(Task.builder("t_each" + n, "each", T0).build());
        return tx.eventAppend(new Event(0, "t_shared", null, EventKind.EDITED, "store" + n % 2, null, T0 + n));
      }));
      assertThat(other.read((ReadTx tx) -> tx.taskGet("t_shared")).orElseThrow().priority()).isEqualTo(n + 1);
    }

    assertThat(eventIds).isSorted().doesNotHaveDuplicates();
    for (SqliteStore s : List.of(a, b)) {
      assertThat(s.read((ReadTx tx) -> tx.taskGet("t_shared")).orElseThrow().version()).isEqualTo(40);
      assertThat(s.read((ReadTx tx) -> tx.taskCountByStatus()).get(Status.READY)).isEqualTo(41);
      assertThat(s.read(ReadTx::eventCount)).isEqualTo(41);
    }
    assertIntegrityOk();
  }

  @Test
  void twoStoresCreatingTheSameNewBoardAtOnceApplyTheSchemaOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CyclicBarrier together = new CyclicBarrier(2);
    try {
      List<CompletableFuture<SqliteStore>> opening = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        opening.add(CompletableFuture.supplyAsync(() -> {
          try {
            together.await(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return SqliteStore.open(db(), SqliteOptions.defaults().creating(), clock);
        }, pool));
      }
      for (CompletableFuture<SqliteStore> f : opening) {
        toClose.add(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    Connection c = otherConnection();
    String latest = String.valueOf(SqliteMigrations.latestVersion());
    assertThat(row(c, "SELECT count(*), count(DISTINCT version), max(version) FROM schema_version"))
        .containsExactly(latest, latest, latest);
    assertThat(row(c, "PRAGMA journal_mode")).containsExactly("wal");
    assertIntegrityOk();
  }
}
