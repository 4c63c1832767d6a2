package org.agentkanban.gateway;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A throwaway process for {@link StrayCloseTest}: it holds a SQLite connection to a WAL database
 * and, in {@code stray} mode, breaks sqlite-rules.md rule 1 on purpose: it opens the database file
 * with plain Java I/O and closes it again, which makes the kernel drop every POSIX lock this
 * process held on the file (including the SHARED lock SQLite keeps while a connection is open).
 * It runs in its own JVM so the test JVM never does this.
 *
 * <p>Protocol on stdout: {@code stray-open} while the stray descriptor is open (in stray mode),
 * then {@code ready}; it then waits for a line on stdin, writes once more and prints whether its
 * own write is visible to a new connection ({@code visible}/{@code lost}).
 */
public final class StrayCloseHolder {
  private StrayCloseHolder() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    boolean stray = args[1].equals("stray");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("CREATE TABLE IF NOT EXISTS t(x)");
      st.execute("INSERT INTO t VALUES ('before')");
      st.executeQuery("SELECT count(*) FROM t").close();
      if (stray) {
        try (FileInputStream in = new FileInputStream(db.toFile())) {
          in.read();
          System.out.println("stray-open");
          System.out.flush();
          Thread.sleep(400);
        }
      }
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in)).readLine();
      st.execute("INSERT INTO t VALUES ('after')");
      System.out.println("wal " + (Files.exists(Path.of(db + "-wal")) ? "present" : "gone"));
      System.out.flush();
    }
  }
}
