package org.agentkanban.domain;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a worker runs. {@code scratch}: a directory the board creates and owns (the only kind we
 * ever delete). {@code dir:<abs>}: a user directory, never deleted. {@code worktree[:<path>]}: a git
 * worktree on branch {@code kanban/<task>}.
 */
public record Workspace(Kind kind, String path) {

  public enum Kind {
    SCRATCH,
    DIR,
    WORKTREE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.wire().equals(text)) {
          return k;
        }
      }
      throw KanbanException.invalid("unknown workspace kind '" + text + "'");
    }
  }

  public static final Workspace SCRATCH = new Workspace(Kind.SCRATCH, null);

  public Workspace {
    if (kind == null) {
      throw new IllegalArgumentException("workspace kind is required");
    }
    if (kind == Kind.DIR && path == null) {
      throw new IllegalArgumentException("a dir workspace needs a path");
    }
  }

  /** Parses {@code scratch}, {@code dir:<absolute path>}, {@code worktree} or {@code worktree:<abs>}. */
  public static Workspace parse(String spec) {
    if (spec == null || spec.isBlank() || spec.equals("scratch")) {
      return SCRATCH;
    }
    if (spec.equals("worktree")) {
      return new Workspace(Kind.WORKTREE, null);
    }
    int colon = spec.indexOf(':');
    String head = colon < 0 ? spec : spec.substring(0, colon);
    if (colon < 0 || !(head.equals("dir") || head.equals("worktree"))) {
      throw KanbanException.invalid(
          "bad workspace '" + spec + "'; expected scratch, dir:<absolute path>, worktree or worktree:<absolute path>");
    }
    String raw = spec.substring(colon + 1);
    return new Workspace(Kind.parse(head), absolutePath(head, raw));
  }

  private static String absolutePath(String head, String raw) {
    if (raw.isEmpty()) {
      throw KanbanException.invalid(head + ": needs a path, e.g. " + head + ":/home/me/project");
    }
    if (TextRules.hasControlCharacters(raw)) {
      throw KanbanException.invalid(head + ": path contains control characters");
    }
    Path p = Path.of(raw);
    if (!p.isAbsolute()) {
      throw KanbanException.invalid(
          head + ": path must be absolute, got '" + raw + "' (try " + head + ":" + Path.of(raw).toAbsolutePath().normalize() + ")");
    }
    return p.normalize().toString();
  }

  /** The spec form accepted by {@link #parse}. */
  public String spec() {
    return path == null ? kind.wire() : kind.wire() + ":" + path;
  }

  @Override
  public String toString() {
    return spec();
  }
}
