package org.agentkanban.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.agentkanban.testkit.KanbanCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stray-close part of issue 4's torture suite. (a) Rule 1 matters: a process that holds a
 * connection and opens and closes the database file with plain I/O loses its locks, and another
 * process's ordinary close then deletes the -wal from under it (the field failure). This runs in a
 * throwaway JVM ({@link StrayCloseHolder}). (b) Our code paths never do it: while backups, health,
 * doctor and restore run against a dispatching gateway, its descriptors (and the doctor's) are
 * sampled from {@code /proc}, and no plain-I/O descriptor (read-only; SQLite opens a live board
 * read-write) is ever open on board.db, -wal or -shm beside a SQLite one. The sampler is shown to
 * catch the violation on the throwaway JVM. {@code FileAccessRuleTest} is the static half.
 */
class StrayCloseTest {
  @TempDir Path dir;

  /** Samples a process's descriptors on database files; records plain-I/O ones seen beside SQLite's. */
  static final class DescriptorSampler implements AutoCloseable {
    private final List<Long> pids = new CopyOnWriteArrayList<>();
    private final Path root;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<String> sqliteDescriptors = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final Thread thread;
    private volatile long samples;

    DescriptorSampler(Path root, long pid) {
      this.root = root;
      pids.add(pid);
      thread = new Thread(this::loop, "fd-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void watch(long pid) {
      pids.add(pid);
    }

    private void loop() {
      while (running) {
        for (long pid : pids) {
          sample(pid);
        }
        samples++;
      }
    }

    private void sample(long pid) {
      List<String[]> open = new ArrayList<>(); // {file, access, fd}
      Path fds = Path.of("/proc", Long.toString(pid), "fd");
      try (DirectoryStream<Path> list = Files.newDirectoryStream(fds)) {
        for (Path fd : list) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (!target.startsWith(root.toString()) || !isDatabaseFile(target)) {
              continue;
            }
            String flags = Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", fd.getFileName().toString()))
                .stream().filter(l -> l.startsWith("flags:")).findFirst().orElse("flags: 0").substring(6).trim();
            int access = Integer.parseInt(flags, 8) & 3;
            open.add(new String[] {target, access == 2 ? "rw" : "ro", fd.getFileName().toString()});
          } catch (IOException | RuntimeException e) {
            // closed meanwhile
          }
        }
      } catch (IOException e) {
        return; // the process is gone
      }
      for (String[] d : open) {
        if (d[1].equals("rw")) {
          sqliteDescriptors.add(pid + ":" + d[0]);
        }
      }
      for (String[] d : open) {
        boolean besideSqlite = open.stream().anyMatch(o -> o[1].equals("rw") && o[0].equals(d[0]));
        if (d[1].equals("ro") && besideSqlite) {
          violations.add("pid " + pid + " fd " + d[2] + " opened " + d[0] + " read-only beside a SQLite connection");
        }
      }
    }

    static boolean isDatabaseFile(String target) {
      String t = target.replace(" (deleted)", "");
      return t.endsWith("/board.db") || t.endsWith("/board.db-wal") || t.endsWith("/board.db-shm")
          || t.endsWith("/stray.db") || t.endsWith("/stray.db-wal") || t.endsWith("/stray.db-shm");
    }

    List<String> violations() {
      return violations;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }

  private record Holder(Process process, BufferedReader out) {
    String line() throws IOException {
      String l = out.readLine();
      if (l == null) {
        throw new AssertionError("the holder exited: " + new String(process.getErrorStream().readAllBytes()));
      }
      return l;
    }
  }

  private static Holder holder(Path db, String mode) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", KanbanCli.classPath(), StrayCloseHolder.class.getName(), db.toString(), mode));
    Process p = new ProcessBuilder(cmd).start();
    return new Holder(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
  }

  /**
   * Another process's ordinary visit: open a connection, read, close. Python's sqlite3 module is
   * the visitor (a SQLite older than ours, as any tool on the host may be): on its close it checks
   * whether it is the last connection by taking an EXCLUSIVE lock, and if so checkpoints and
   * deletes the -wal and -shm.
   */
  private static void visit(Path db) throws Exception {
    Process p = new ProcessBuilder("python3", "-c", """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        c.execute('SELECT count(*) FROM t').fetchone()
        c.close()
        """, db.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }

  private static String strayRun(Path db, String mode, DescriptorSampler[] sampler, Path root) throws Exception {
    Files.createDirectories(db.getParent());
    Holder h = holder(db, mode);
    try {
      String first = h.line();
      if (first.equals("stray-open")) {
        sampler[0] = new DescriptorSampler(root, h.process().pid());
        first = h.line();
        sampler[0].close();
      }
      assertThat(first).isEqualTo("ready");
      visit(db);
      boolean walAfterVisit = Files.exists(Path.of(db + "-wal"));
      try (OutputStream in = h.process().getOutputStream()) {
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      h.line();
      return walAfterVisit ? "wal kept" : "wal deleted";
    } finally {
      h.process().destroyForcibly();
      h.process().waitFor();
    }
  }

  @Test
  void aProcessThatOpensAndClosesItsDatabaseFileLosesItsLockAndAnotherProcessDeletesTheWalUnderIt() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(org.agentkanban.bench.Damage.INDEX_PAGE.available(),
        "python3 is not installed");
    DescriptorSampler[] none = new DescriptorSampler[1];
    assertThat(strayRun(dir.resolve("clean").resolve("stray.db"), "clean", none, dir))
        .as("a connection's SHARED lock keeps another process from deleting the WAL").isEqualTo("wal kept");
    assertThat(none[0]).isNull();

    DescriptorSampler[] sampler = new DescriptorSampler[1];
    assertThat(strayRun(dir.resolve("stray").resolve("stray.db"), "stray", sampler, dir))
        .as("after the stray open and close the lock is gone: the visitor thinks it is alone and deletes the WAL")
        .isEqualTo("wal deleted");
    assertThat(sampler[0].violations()).as("the sampler used on our code paths catches the stray descriptor")
        .isNotEmpty();
  }

  @Test
  void backupHealthDoctorAndRestoreNeverOpenABoardFileBesideTheGatewaysConnections() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    try (DamageScene scene = new DamageScene(home, """
        gateway:
          safety_tick: 1s
          lease_ttl: 3s
          backup_interval: 1s
        assignees:
          sh:
            type: shell
        """).start();
        DescriptorSampler sampler = new DescriptorSampler(home, scene.serve.pid())) {
      KanbanCli cli = new KanbanCli(home);
      scene.dispatches("default", "warm-up");
      for (int i = 0; i < 3; i++) {
        scene.create("default", "work-" + i);
        scene.backup("default");
        assertThat(scene.admin.get("/api/v1/health").status()).isEqualTo(200);
      }
      Process doctor = cli.start("doctor");
      sampler.watch(doctor.pid());
      assertThat(doctor.waitFor()).isZero();
      KanbanCli.Result restore = cli.run("restore", "latest");
      assertThat(restore.exit()).as(restore.toString()).isZero();
      scene.dispatches("default", "after-restore");
      await().atMost(Duration.ofSeconds(10)).until(() -> sampler.samples > 100);
      assertThat(sampler.sqliteDescriptors).as("the sampler saw the gateway's connections")
          .anyMatch(d -> d.startsWith(scene.serve.pid() + ":") && d.endsWith("/board.db"));
      assertThat(sampler.violations()).isEmpty();
    }
  }
}
