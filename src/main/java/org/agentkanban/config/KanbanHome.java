package org.agentkanban.config;

import java.nio.file.Path;
import java.util.Map;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.KanbanException;

/** Every path under {@code $KANBAN_HOME}, in one place (see design.md, "Files"). */
public final class KanbanHome {
  public static final String ENV_HOME = "KANBAN_HOME";
  public static final String ARCHIVED_DIR = "_archived";

  private final Path root;

  public KanbanHome(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** {@code $KANBAN_HOME}, else {@code ~/.kanban}. */
  public static KanbanHome fromEnvironment(Map<String, String> env) {
    String configured = env.get(ENV_HOME);
    if (configured != null && !configured.isBlank()) {
      if (configured.chars().anyMatch(Character::isISOControl)) {
        throw KanbanException.invalid(ENV_HOME + " contains control characters");
      }
      return new KanbanHome(Path.of(configured));
    }
    String userHome = System.getProperty("user.home");
    if (userHome == null || userHome.isBlank()) {
      throw KanbanException.invalid("cannot find a home directory: set " + ENV_HOME);
    }
    return new KanbanHome(Path.of(userHome, ".kanban"));
  }

  public Path root() {
    return root;
  }

  public Path configFile() {
    return root.resolve("config.yaml");
  }

  public Path gatewayFile() {
    return root.resolve("gateway.json");
  }

  public Path currentFile() {
    return root.resolve("current");
  }

  public Path boardsDir() {
    return root.resolve("boards");
  }

  public Path archivedBoardsDir() {
    return boardsDir().resolve(ARCHIVED_DIR);
  }

  /** The directory of a board; the slug is validated so it can never leave {@link #boardsDir()}. */
  public Path boardDir(String slug) {
    return boardsDir().resolve(BoardSlug.require(slug));
  }

  public Path boardYaml(String slug) {
    return boardDir(slug).resolve("board.yaml");
  }

  public Path workspacesDir(String slug) {
    return boardDir(slug).resolve("workspaces");
  }

  public Path logsDir(String slug) {
    return boardDir(slug).resolve("logs");
  }

  public Path attachmentsDir(String slug) {
    return boardDir(slug).resolve("attachments");
  }

  public Path backupsDir(String slug) {
    return boardDir(slug).resolve("backups");
  }
}
