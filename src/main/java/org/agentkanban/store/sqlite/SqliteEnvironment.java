package org.agentkanban.store.sqlite;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.agentkanban.store.StoreUnavailableException;

/**
 * Checks the ground a board stands on, once per process: exactly one SQLite library on the class
 * path (two copies keep separate lock bookkeeping and corrupt each other's files), a native SQLite
 * no older than 3.51.3 (the WAL-reset fix), and a local file system (WAL needs shared memory on one
 * host; network file systems corrupt it).
 */
public final class SqliteEnvironment {
  /** 3.51.3 fixed the WAL-reset race; 3.50.7 and 3.44.6 carry the fix too. */
  static final int[][] SAFE_VERSIONS = {{3, 51, 3}, {3, 50, 7}, {3, 44, 6}};
  private static final List<String> NETWORK_FILE_SYSTEMS = List.of(
      "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "afs", "ceph", "glusterfs", "lustre", "9p", "virtiofs",
      "fuse.sshfs", "sshfs", "fuse.gcsfuse", "fuse.s3fs", "fuse.rclone", "davfs", "fuse.davfs2", "ncpfs", "gpfs");

  private SqliteEnvironment() {}

  /** The native SQLite version, e.g. {@code 3.54.1}. */
  public static String nativeVersion() {
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:");
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT sqlite_version()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new StoreUnavailableException(StoreUnavailableException.Cause.UNUSABLE,
          "the SQLite library cannot be loaded: " + e.getMessage(), e);
    }
  }

  /** Whether a version string is at or past the WAL-reset fix on its release line. */
  public static boolean hasWalResetFix(String version) {
    int[] v = parse(version);
    if (compare(v, SAFE_VERSIONS[0]) >= 0) {
      return true;
    }
    for (int[] safe : SAFE_VERSIONS) {
      if (v[0] == safe[0] && v[1] == safe[1] && v[2] >= safe[2]) {
        return true;
      }
    }
    return false;
  }

  /** Places on the class path that provide the SQLite JDBC driver; exactly one is safe. */
  public static List<String> sqliteLibraries() {
    try {
      List<URL> urls = Collections.list(SqliteEnvironment.class.getClassLoader().getResources("org/sqlite/JDBC.class"));
      List<String> out = new ArrayList<>();
      for (URL u : urls) {
        out.add(u.toString().replaceFirst("!/org/sqlite/JDBC\\.class$", "").replaceFirst("/org/sqlite/JDBC\\.class$", ""));
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * Refuses to run on a SQLite build that is known to corrupt WAL databases, or with two SQLite
   * libraries loaded. Called once before any board is opened.
   */
  public static void requireSafe() {
    List<String> libs = sqliteLibraries();
    if (libs.size() > 1) {
      throw new StoreUnavailableException(StoreUnavailableException.Cause.UNUSABLE,
          "more than one SQLite library is on the class path (" + String.join(", ", libs)
              + "); two copies keep separate lock bookkeeping and corrupt each other's files", null);
    }
    String version = nativeVersion();
    if (!hasWalResetFix(version)) {
      throw new StoreUnavailableException(StoreUnavailableException.Cause.UNUSABLE,
          "native SQLite " + version + " has the WAL-reset bug (fixed in 3.51.3, 3.50.7 and 3.44.6); "
              + "use sqlite-jdbc 3.51.3.0 or newer", null);
    }
  }

  /** The mount point and file system type holding {@code path}, from /proc/self/mountinfo. */
  public record Mount(String mountPoint, String type, String source) {
    public boolean isNetwork() {
      return NETWORK_FILE_SYSTEMS.contains(type) || type.startsWith("fuse.") && !type.equals("fuse.portal");
    }
  }

  public static Optional<Mount> mountOf(Path path) {
    Path mountinfo = Path.of("/proc/self/mountinfo");
    if (!Files.isReadable(mountinfo)) {
      return Optional.empty();
    }
    Path target;
    try {
      Path p = path.toAbsolutePath().normalize();
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      target = p == null ? path.toAbsolutePath() : p.toRealPath();
    } catch (IOException e) {
      target = path.toAbsolutePath().normalize();
    }
    try {
      return mountOf(target, Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The mount holding {@code target} (an absolute, real path) according to the lines of a
   * mountinfo table: the longest mount point that contains it.
   */
  public static Optional<Mount> mountOf(Path target, List<String> mountinfo) {
    Mount best = null;
    for (String line : mountinfo) {
      // id parent major:minor root mountpoint options... - type source superoptions
      String[] halves = line.split(" - ", 2);
      if (halves.length < 2) {
        continue;
      }
      String[] left = halves[0].split(" ");
      String[] right = halves[1].split(" ");
      if (left.length < 5 || right.length < 2) {
        continue;
      }
      String mountPoint = unescape(left[4]);
      if (target.startsWith(mountPoint) && (best == null || mountPoint.length() >= best.mountPoint().length())) {
        best = new Mount(mountPoint, right[0], right[1]);
      }
    }
    return Optional.ofNullable(best);
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  private static int[] parse(String version) {
    String[] parts = version.split("\\.");
    int[] v = new int[3];
    for (int i = 0; i < 3 && i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].replaceAll("\\D.*", ""));
      } catch (NumberFormatException e) {
        v[i] = 0;
      }
    }
    return v;
  }

  private static int compare(int[] a, int[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Integer.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
