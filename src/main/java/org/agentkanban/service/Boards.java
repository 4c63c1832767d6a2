package org.agentkanban.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agentkanban.config.BoardConfig;
import org.agentkanban.config.KanbanHome;
import org.agentkanban.domain.BoardSlug;
import org.agentkanban.domain.Clock;
import org.agentkanban.domain.Event;
import org.agentkanban.domain.EventKind;
import org.agentkanban.domain.KanbanException;
import org.agentkanban.domain.TextRules;
import org.agentkanban.store.BoardStore;
import org.agentkanban.store.BoardStoreFactory;
import org.agentkanban.store.StoreTarget;
import org.agentkanban.wire.Json;

/**
 * The boards of one {@code $KANBAN_HOME}: creating, listing, switching, renaming, removing and
 * opening them. Board {@code default} always exists: opening it creates it.
 */
public final class Boards {
  public static final String ENV_BOARD = "KANBAN_BOARD";

  private final KanbanHome home;
  private final BoardStoreFactory stores;
  private final Clock clock;
  private final ServiceSettings settings;

  public Boards(KanbanHome home, BoardStoreFactory stores, Clock clock, ServiceSettings settings) {
    this.home = home;
    this.stores = stores;
    this.clock = clock;
    this.settings = settings;
  }

  public KanbanHome home() {
    return home;
  }

  /** Which board a command means: {@code --board} > {@code KANBAN_BOARD} > {@code current} > default. */
  public String resolve(String explicit, Map<String, String> env) {
    if (explicit != null) {
      return requireExisting(BoardSlug.require(explicit), "--board");
    }
    String fromEnv = env.get(ENV_BOARD);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return requireExisting(BoardSlug.require(fromEnv.strip()), ENV_BOARD);
    }
    String current = readCurrent();
    if (current != null) {
      return requireExisting(current, home.currentFile().toString());
    }
    return BoardSlug.DEFAULT;
  }

  private String requireExisting(String slug, String source) {
    if (!slug.equals(BoardSlug.DEFAULT) && !exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' (from " + source + ") does not exist; "
          + "see 'kanban boards list' or create it with 'kanban boards create " + slug + "'");
    }
    return slug;
  }

  private String readCurrent() {
    Path f = home.currentFile();
    if (!Files.exists(f)) {
      return null;
    }
    try {
      String s = Files.readString(f, StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
      return s.isEmpty() ? null : BoardSlug.require(s);
    } catch (IOException e) {
      throw KanbanException.invalid("cannot read " + f + ": " + e.getMessage());
    } catch (KanbanException e) {
      throw KanbanException.invalid(f + ": " + e.getMessage());
    }
  }

  public boolean exists(String slug) {
    return Files.isDirectory(home.boardDir(slug)) && stores.exists(target(slug));
  }

  /** Backups, quarantine and restore of boards in local files; empty for other stores. */
  public java.util.Optional<org.agentkanban.store.BoardRecovery> recovery() {
    return stores.recovery();
  }

  /** The board's default working directory from board.yaml (a worktree's repository), or null. */
  public Path defaultWorkdir(String slug) {
    String dir = BoardConfig.read(home.boardYaml(slug)).defaultWorkdir();
    return dir == null ? null : Path.of(dir);
  }

  public StoreTarget target(String slug) {
    BoardConfig config = BoardConfig.read(home.boardYaml(slug));
    return new StoreTarget(slug, home.boardDir(slug), config.store(), config.synchronousFull());
  }

  /** Opens a board's service. {@code default} is created on first use; others must exist. */
  public LocalBoardService open(String slug, BoardListener listener) {
    BoardSlug.require(slug);
    boolean create = slug.equals(BoardSlug.DEFAULT) && !exists(slug);
    if (create) {
      return create(slug, null, null, false, listener);
    }
    if (!exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    return service(slug, stores.open(target(slug), false), listener);
  }

  private LocalBoardService service(String slug, BoardStore store, BoardListener listener) {
    BoardFiles files = new BoardFiles(home.attachmentsDir(slug), home.logsDir(slug), home.workspacesDir(slug));
    return new LocalBoardService(slug, store, files, clock, listener, settings);
  }

  /** Creates a board (or opens it if it already exists) and returns its service. */
  public LocalBoardService create(String slug, String name, String description, boolean makeCurrent, BoardListener listener) {
    BoardSlug.require(slug);
    String displayName = TextRules.name("board name", name);
    String desc = TextRules.reason(description);
    Path dir = home.boardDir(slug);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot create " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.exists(home.boardYaml(slug))) {
      new BoardConfig(displayName == null ? slug : displayName, desc, null, null, null, clock.now())
          .write(home.boardYaml(slug));
    }
    boolean fresh = !stores.exists(target(slug));
    BoardStore store = stores.open(target(slug), true);
    if (fresh) {
      store.write(tx -> {
        if (tx.metaGet("slug").isEmpty()) {
          tx.metaPut("slug", slug);
          tx.metaPut("created_at", Long.toString(clock.now()));
          tx.eventAppend(new Event(0, null, null, EventKind.BOARD_CREATED, "kanban",
              Json.object(Map.of("slug", slug)), clock.now()));
        }
        return null;
      });
    }
    if (makeCurrent) {
      switchTo(slug);
    }
    return service(slug, store, listener);
  }

  /**
   * The names under {@code boards/} that are valid slugs: a directory listing, nothing read or
   * opened. Whether one holds a board is {@link #exists}, which reads its board.yaml: callers that
   * look often (the gateway, every second) ask that only about names they do not know yet.
   */
  public List<String> slugCandidates() {
    List<String> out = new ArrayList<>();
    if (Files.isDirectory(home.boardsDir())) {
      try (Stream<Path> dirs = Files.list(home.boardsDir())) {
        for (Path d : dirs.sorted().toList()) {
          String slug = d.getFileName().toString();
          if (BoardSlug.PATTERN.matcher(slug).matches()) {
            out.add(slug);
          }
        }
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot list " + home.boardsDir() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  public List<BoardInfo> list(boolean includeArchived) {
    List<BoardInfo> out = new ArrayList<>();
    String current = currentOrDefault();
    if (Files.isDirectory(home.boardsDir())) {
      try (Stream<Path> dirs = Files.list(home.boardsDir())) {
        for (Path d : dirs.sorted().toList()) {
          String slug = d.getFileName().toString();
          if (BoardSlug.PATTERN.matcher(slug).matches() && exists(slug)) {
            out.add(info(slug, current));
          }
        }
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot list " + home.boardsDir() + ": " + e.getMessage(), e);
      }
    }
    if (out.stream().noneMatch(b -> b.slug().equals(BoardSlug.DEFAULT))) {
      out.add(0, new BoardInfo(BoardSlug.DEFAULT, BoardSlug.DEFAULT, null, home.boardDir(BoardSlug.DEFAULT),
          current.equals(BoardSlug.DEFAULT), false, Map.of()));
    }
    if (includeArchived && Files.isDirectory(home.archivedBoardsDir())) {
      try (Stream<Path> dirs = Files.list(home.archivedBoardsDir())) {
        for (Path d : dirs.sorted().toList()) {
          BoardConfig c = BoardConfig.read(d.resolve("board.yaml"));
          out.add(new BoardInfo(d.getFileName().toString(), c.name(), c.description(), d, false, true, Map.of()));
        }
      } catch (IOException e) {
        throw KanbanException.unavailable("cannot list " + home.archivedBoardsDir() + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  public BoardInfo show(String slug) {
    BoardSlug.require(slug);
    if (!slug.equals(BoardSlug.DEFAULT) && !exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    return info(slug, currentOrDefault());
  }

  /**
   * Where the stores this process already holds open are found (the gateway's boards): listing or
   * showing such a board then reads through that store instead of opening a second connection —
   * one writer connection per board per process.
   */
  public void useOpenStores(java.util.function.Function<String, BoardStore> lookup) {
    this.openStores = lookup == null ? s -> null : lookup;
  }

  private volatile java.util.function.Function<String, BoardStore> openStores = s -> null;

  private BoardInfo info(String slug, String current) {
    BoardConfig c = BoardConfig.read(home.boardYaml(slug));
    Map<org.agentkanban.domain.Status, Integer> counts = Map.of();
    BoardStore open = openStores.apply(slug);
    if (open != null) {
      try {
        counts = open.read(tx -> tx.taskCountByStatus());
      } catch (org.agentkanban.store.StoreUnavailableException e) {
        // shown without counts; its health says why
      }
    } else if (exists(slug)) {
      try (BoardStore store = stores.open(target(slug), false)) {
        counts = store.read(tx -> tx.taskCountByStatus());
      } catch (org.agentkanban.store.StoreUnavailableException e) {
        // One board that cannot be read (a read-only or failing disk) must not hide the others:
        // listed without counts; opening it (or 'kanban doctor') says why.
      }
    }
    return new BoardInfo(slug, c.name() == null ? slug : c.name(), c.description(), home.boardDir(slug),
        slug.equals(current), false, counts);
  }

  private String currentOrDefault() {
    String c = readCurrent();
    return c == null ? BoardSlug.DEFAULT : c;
  }

  public void switchTo(String slug) {
    BoardSlug.require(slug);
    if (!slug.equals(BoardSlug.DEFAULT) && !exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    writeAtomically(home.currentFile(), slug + "\n");
  }

  public void rename(String slug, String newName) {
    BoardSlug.require(slug);
    String name = TextRules.name("board name", newName);
    if (name == null) {
      throw KanbanException.invalid("the new display name must not be blank");
    }
    if (!exists(slug)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    BoardConfig.read(home.boardYaml(slug)).withName(name).write(home.boardYaml(slug));
  }

  /**
   * Archives a board (moves its directory under {@code boards/_archived/}) or, with {@code delete},
   * removes it. Board {@code default} cannot be removed. The caller must not hold the board open.
   *
   * @return where the board went, or null when deleted
   */
  public Path remove(String slug, boolean delete) {
    BoardSlug.require(slug);
    if (slug.equals(BoardSlug.DEFAULT)) {
      throw KanbanException.refused("board 'default' always exists and cannot be removed");
    }
    Path dir = home.boardDir(slug);
    if (!Files.isDirectory(dir)) {
      throw KanbanException.notFound("board '" + slug + "' does not exist");
    }
    if (slug.equals(readCurrent())) {
      writeAtomically(home.currentFile(), BoardSlug.DEFAULT + "\n");
    }
    try {
      if (delete) {
        ManagedDirectories.deleteTree(home.boardsDir(), dir);
        return null;
      }
      Files.createDirectories(home.archivedBoardsDir());
      Path target = home.archivedBoardsDir().resolve(slug + "-" + clock.now());
      Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot remove board '" + slug + "': " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path file, String content) {
    Path tmp = null;
    try {
      Files.createDirectories(file.getParent());
      // A temporary file of its own, so that two processes switching boards at once cannot collide.
      tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the write already failed and says so
        }
      }
      throw KanbanException.unavailable("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
