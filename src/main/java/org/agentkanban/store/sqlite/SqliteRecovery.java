package org.agentkanban.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.agentkanban.store.BoardRecovery;
import org.agentkanban.store.StoreTarget;
import org.agentkanban.store.StoreUnavailableException;
import org.agentkanban.store.StoreUnavailableException.Cause;
import org.sqlite.SQLiteConfig;

/**
 * Recovery of SQLite boards. The rules of sqlite-rules.md allow file operations on a database only
 * when this process holds no connection to it; every method here assumes the caller closed the
 * board's store, and {@link #otherHolders} tells whether another process still has it open.
 */
public final class SqliteRecovery implements BoardRecovery {
  /** Distinct damaged databases kept for forensics; more are deleted oldest first. */
  static final int QUARANTINE_KEEP = 5;
  static final String BACKUPS = "backups";
  static final String QUARANTINE = "quarantine";
  private static final String[] SIDE_FILES = {"-wal", "-shm", "-journal"};
  static final com.fasterxml.jackson.databind.ObjectMapper SIDECAR_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Writes {@code <backup>.json}: the mark that the backup was verified, and what it holds. */
  static void writeSidecar(Path backup, long createdAt, long bytes, long lastEventId) throws IOException {
    var node = SIDECAR_JSON.createObjectNode();
    node.put("created_at", createdAt);
    node.put("bytes", bytes);
    node.put("last_event_id", lastEventId);
    node.put("verified", true);
    Path sidecar = backup.resolveSibling(backup.getFileName() + ".json");
    Path tmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
    SIDECAR_JSON.writeValue(tmp.toFile(), node);
    Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public List<BackupFile> backups(StoreTarget target) {
    return list(target.directory().resolve(BACKUPS));
  }

  /** Verified backups in a directory, newest first: a backup counts only with its sidecar. */
  static List<BackupFile> list(Path dir) {
    List<BackupFile> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.db.json")) {
      for (Path sidecar : files) {
        Path db = sidecar.resolveSibling(sidecar.getFileName().toString().replaceFirst("\\.json$", ""));
        if (!Files.exists(db)) {
          continue;
        }
        try {
          JsonNode n = SIDECAR_JSON.readTree(sidecar.toFile());
          out.add(new BackupFile(db, n.path("created_at").asLong(), n.path("bytes").asLong(), n.path("last_event_id").asLong()));
        } catch (IOException e) {
          // an unreadable sidecar: the backup is not trusted
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(Comparator.comparingLong(BackupFile::createdAt).reversed());
    return out;
  }

  @Override
  public Optional<Path> quarantine(StoreTarget target, long now) {
    Path db = SqliteStoreFactory.dbPath(target);
    Path dir = target.directory().resolve(QUARANTINE);
    try {
      String hash = fingerprint(db);
      Files.createDirectories(dir);
      Path existing = null;
      try (Stream<Path> copies = Files.list(dir)) {
        existing = copies.filter(p -> p.getFileName().toString().endsWith("-" + hash)).findFirst().orElse(null);
      }
      if (existing != null) {
        for (Path f : databaseFiles(db)) {
          Files.deleteIfExists(f);
        }
        return Optional.empty();
      }
      Path into = dir.resolve(now + "-" + hash);
      Files.createDirectories(into);
      for (Path f : databaseFiles(db)) {
        if (Files.exists(f)) {
          Files.move(f, into.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      prune(dir);
      return Optional.of(into);
    } catch (IOException e) {
      throw new StoreUnavailableException(Cause.IO, "cannot move the damaged database of board '" + target.slug()
          + "' aside: " + e.getMessage(), e);
    }
  }

  @Override
  public void restore(StoreTarget target, Path backup) {
    if (!verified(backup)) {
      throw new StoreUnavailableException(Cause.CORRUPT, "backup " + backup + " fails its integrity check", null);
    }
    Path db = SqliteStoreFactory.dbPath(target);
    Path incoming = db.resolveSibling(db.getFileName() + ".restoring");
    try {
      Files.copy(backup, incoming, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(incoming, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      // The copy is not a live database yet: switching it to WAL here is its creation.
      try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + incoming);
          var st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
      }
      for (Path f : databaseFiles(db)) {
        Files.deleteIfExists(f);
      }
      Files.move(incoming, db, StandardCopyOption.ATOMIC_MOVE);
      for (String side : SIDE_FILES) {
        Files.deleteIfExists(incoming.resolveSibling(incoming.getFileName() + side));
      }
    } catch (IOException | SQLException e) {
      throw new StoreUnavailableException(Cause.IO, "cannot restore board '" + target.slug() + "' from " + backup
          + ": " + e.getMessage(), e);
    }
  }

  /** Opens the file read-only on a connection of its own and runs {@code integrity_check}. */
  static boolean verified(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try (Connection c = config.createConnection("jdbc:sqlite:" + file);
        var st = c.createStatement();
        var rs = st.executeQuery("PRAGMA integrity_check(1)")) {
      return rs.next() && "ok".equals(rs.getString(1));
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public List<Long> otherHolders(StoreTarget target) {
    Path db = SqliteStoreFactory.dbPath(target);
    List<Path> files = databaseFiles(db);
    List<Long> holders = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        if (pid != self && holdsAny(proc.resolve("fd"), files)) {
          holders.add(pid);
        }
      }
    } catch (IOException | SecurityException e) {
      return holders;
    }
    return holders;
  }

  private static boolean holdsAny(Path fdDir, List<Path> files) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          Path link = Files.readSymbolicLink(fd);
          if (files.contains(link)) {
            return true;
          }
        } catch (IOException | SecurityException ignored) {
          // a descriptor that closed meanwhile, or not ours to read
        }
      }
    } catch (IOException | SecurityException e) {
      return false;
    }
    return false;
  }

  static List<Path> databaseFiles(Path db) {
    List<Path> out = new ArrayList<>();
    out.add(db);
    for (String side : SIDE_FILES) {
      out.add(db.resolveSibling(db.getFileName() + side));
    }
    return out;
  }

  /** A short hash of the database and its WAL: the same damage twice gives the same name. */
  private static String fingerprint(Path db) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path f : List.of(db, db.resolveSibling(db.getFileName() + "-wal"))) {
        if (Files.exists(f)) {
          try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void prune(Path dir) throws IOException {
    List<Path> copies;
    try (Stream<Path> s = Files.list(dir)) {
      copies = new ArrayList<>(s.sorted().toList());
    }
    while (copies.size() > QUARANTINE_KEEP) {
      Path oldest = copies.remove(0);
      try (Stream<Path> files = Files.list(oldest)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(oldest);
    }
  }
}
