package org.agentkanban;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.base.DescribedPredicate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * sqlite-rules.md rule 1: closing any descriptor on a database file drops this process's locks on
 * it, so no Java I/O may open board.db, -wal or -shm while we hold a connection. Opening files with
 * Java I/O is therefore allowed only in the classes below, each of which opens other files (or, in
 * SqliteRecovery's case, a board's files only after its store is closed). A new class that opens
 * files fails this test until it is added here with the reason.
 */
class FileAccessRuleTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.agentkanban");

  /** Class → what it opens (and why that is never a live database file). */
  static final Map<String, String> ALLOWED = Map.ofEntries(
      Map.entry("org.agentkanban.api.AttachmentHandlers", "uploaded attachment bytes in a temporary file"),
      Map.entry("org.agentkanban.cli.DemoCommand", "the demo home's config.yaml"),
      Map.entry("org.agentkanban.cli.GatewayCommand", "gateway.log and the stop-workers flag file"),
      Map.entry("org.agentkanban.cli.LogsCommand", "worker run logs"),
      Map.entry("org.agentkanban.cli.TextInput", "--body-file/--summary-file/--file inputs given by the user"),
      Map.entry("org.agentkanban.config.BoardConfig", "board.yaml"),
      Map.entry("org.agentkanban.config.GatewayFile", "gateway.json"),
      Map.entry("org.agentkanban.config.KanbanConfig", "config.yaml"),
      Map.entry("org.agentkanban.gateway.BoardRuntime", "the board's dispatch.lock file"),
      Map.entry("org.agentkanban.gateway.Dispatcher", "the worker's context file in its workspace"),
      Map.entry("org.agentkanban.gateway.Doctor", "/proc/<pid>/environ of worker processes"),
      Map.entry("org.agentkanban.gateway.HostIdentity", "/etc/machine-id and /proc boot id"),
      Map.entry("org.agentkanban.gateway.ProcessTree", "/proc/<pid>/stat"),
      Map.entry("org.agentkanban.gateway.RunLogs", "run logs and exit-status files"),
      Map.entry("org.agentkanban.gateway.WorkerLauncher", "the shell assignee's task script"),
      Map.entry("org.agentkanban.gateway.WorkerProcesses", "/proc/<pid>/environ of processes, to find an unrecorded worker"),
      Map.entry("org.agentkanban.service.AttachmentFiles", "attachment files"),
      Map.entry("org.agentkanban.service.Boards", "the 'current' file"),
      Map.entry("org.agentkanban.service.LocalBoardService", "old worker logs deleted by gc"),
      Map.entry("org.agentkanban.store.sqlite.SqliteEnvironment", "/proc/self/mountinfo"),
      Map.entry("org.agentkanban.store.sqlite.SqliteRecovery",
          "a board's database files, only while no connection to them is open (quarantine, restore), and backup sidecars"),
      Map.entry("org.agentkanban.store.sqlite.SqliteStore", "the .init.lock file beside a new board"),
      Map.entry("org.agentkanban.bench.StoreBenchmark", "benchmark scratch files"),
      Map.entry("org.agentkanban.bench.RawCommits", "benchmark scratch files"),
      Map.entry("org.agentkanban.bench.GatewayBenchmark", "benchmark scratch files and worker timestamps"),
      Map.entry("org.agentkanban.bench.SideLog", "a torture writer's side log of acknowledged writes"),
      Map.entry("org.agentkanban.bench.AckedWrites", "the torture writers' side logs"),
      Map.entry("org.agentkanban.bench.ChildJvm", "the drill's copy of the sqlite native library, class jars for the CDS archive"),
      Map.entry("org.agentkanban.bench.WriterKillDrill", "the drill home's config.yaml"),
      Map.entry("org.agentkanban.bench.GatewayKillDrill", "the drill home's config.yaml, the workers' ledger"),
      Map.entry("org.agentkanban.bench.DamageDrill", "the drill home's config.yaml"),
      Map.entry("org.agentkanban.bench.ServedDrillHome", "a drill home's config.yaml, /proc/<gateway pid>/status, CLI output files"),
      Map.entry("org.agentkanban.bench.LiveWorkers", "/proc/<pid>/environ and /proc/<pid>/stat of worker processes"));

  private static final Set<String> OPENING_METHODS = Set.of(
      "newInputStream", "newOutputStream", "readAllBytes", "readString", "readAllLines", "lines", "newBufferedReader",
      "newBufferedWriter", "write", "writeString", "copy", "newByteChannel", "open");

  private static final DescribedPredicate<JavaAccess<?>> OPENS_A_FILE = new DescribedPredicate<>("open a file with Java I/O") {
    @Override
    public boolean test(JavaAccess<?> access) {
      String owner = access.getTargetOwner().getName();
      String name = access.getName();
      return (owner.equals("java.nio.file.Files") && OPENING_METHODS.contains(name))
          || (owner.equals("java.nio.channels.FileChannel") && name.equals("open"))
          || (owner.equals("java.io.RandomAccessFile") && name.equals("<init>"))
          || (owner.equals("java.io.FileInputStream") && name.equals("<init>"))
          || (owner.equals("java.io.FileOutputStream") && name.equals("<init>"));
    }
  };

  @Test
  void onlyAllowListedClassesOpenFilesAndNoneOpensALiveDatabase() {
    noClasses()
        .that(new DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>("are not on the file-access allowlist") {
          @Override
          public boolean test(com.tngtech.archunit.core.domain.JavaClass c) {
            String top = c.getName().replaceFirst("\\$.*", "");
            return !ALLOWED.containsKey(top);
          }
        })
        .should().accessTargetWhere(OPENS_A_FILE)
        .because("closing a descriptor on board.db, -wal or -shm drops SQLite's POSIX locks (sqlite-rules.md rule 1); "
            + "add the class to FileAccessRuleTest.ALLOWED with what it opens")
        .check(MAIN);
  }
}
