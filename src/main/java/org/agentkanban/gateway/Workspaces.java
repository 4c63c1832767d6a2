package org.agentkanban.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agentkanban.domain.Task;
import org.agentkanban.domain.Workspace;
import org.agentkanban.service.ManagedDirectories;

/**
 * Resolves where a worker runs. {@code scratch}: {@code <board>/workspaces/<task>}, created here
 * and the only kind ever deleted (and only strictly inside that root). {@code dir:<abs>}: created
 * if missing, never deleted. {@code worktree[:<repo>]}: a git worktree of the repository (the
 * board's default workdir when none is given) at {@code <repo>/.worktrees/<task>} on branch
 * {@code kanban/<task>}, reused when it exists, never deleted automatically.
 */
public final class Workspaces {
  private final Path scratchRoot;
  private final Path defaultWorkdir;

  public Workspaces(Path scratchRoot, Path defaultWorkdir) {
    this.scratchRoot = scratchRoot;
    this.defaultWorkdir = defaultWorkdir;
  }

  /** Thrown when a workspace cannot be prepared; the message is for the task's failure record. */
  public static final class WorkspaceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean infrastructure;

    WorkspaceException(String message) {
      this(message, false);
    }

    WorkspaceException(String message, boolean infrastructure) {
      super(message);
      this.infrastructure = infrastructure;
    }

    /** The host failed (the gateway's own directory cannot be written), not the task's settings. */
    public boolean infrastructure() {
      return infrastructure;
    }
  }

  public Path prepare(Task task, Workspace preferred) throws WorkspaceException {
    Workspace w = preferred;
    return switch (w.kind()) {
      case SCRATCH -> scratch(task.id());
      case DIR -> directory(Path.of(w.path()));
      case WORKTREE -> worktree(task.id(), w.path() == null ? defaultWorkdir : Path.of(w.path()));
    };
  }

  private Path scratch(String taskId) throws WorkspaceException {
    Path dir = scratchRoot.resolve(taskId);
    try {
      Files.createDirectories(scratchRoot);
      if (Files.isSymbolicLink(dir)) {
        throw new WorkspaceException("scratch workspace " + dir + " is a symbolic link; refusing to use it");
      }
      Files.createDirectories(dir);
      if (!ManagedDirectories.isStrictlyInside(scratchRoot, dir)) {
        throw new WorkspaceException("scratch workspace " + dir + " is not inside " + scratchRoot);
      }
      return dir;
    } catch (IOException e) {
      throw new WorkspaceException("cannot create scratch workspace " + dir + ": " + e, true);
    }
  }

  private static Path directory(Path dir) throws WorkspaceException {
    try {
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new WorkspaceException("cannot create workspace directory " + dir + ": " + e.getMessage());
    }
  }

  private static Path worktree(String taskId, Path repo) throws WorkspaceException {
    if (repo == null) {
      throw new WorkspaceException("a worktree workspace needs a git repository: use worktree:<repository path>"
          + " or set default_workdir in the board's board.yaml");
    }
    if (!Files.isDirectory(repo)) {
      throw new WorkspaceException("worktree repository " + repo + " does not exist");
    }
    Path target = repo.resolve(".worktrees").resolve(taskId);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && Files.exists(target.resolve(".git"))) {
      return target;
    }
    String branch = "kanban/" + taskId;
    String out = git(repo, "rev-parse", "--is-inside-work-tree");
    if (!out.strip().equals("true")) {
      throw new WorkspaceException(repo + " is not a git repository");
    }
    boolean branchExists = !git(repo, "branch", "--list", branch).isBlank();
    List<String> add = branchExists
        ? List.of("worktree", "add", target.toString(), branch)
        : List.of("worktree", "add", "-b", branch, target.toString());
    git(repo, add.toArray(String[]::new));
    return target;
  }

  private static String git(Path repo, String... args) throws WorkspaceException {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new WorkspaceException("git " + String.join(" ", args) + " timed out");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new WorkspaceException("git " + String.join(" ", args) + " failed: " + text.strip());
      }
      return text;
    } catch (IOException e) {
      throw new WorkspaceException("cannot run git: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkspaceException("interrupted while running git");
    }
  }

  /** Deletes a task's scratch workspace, only if it is strictly inside the scratch root. */
  public boolean deleteScratch(String taskId) {
    try {
      return ManagedDirectories.deleteTree(scratchRoot, scratchRoot.resolve(taskId));
    } catch (IOException e) {
      return false;
    }
  }
}
