package org.agentkanban.service;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes directories the board owns, and nothing else. A user lost a whole projects folder when a
 * worker's "scratch" directory turned out to be their real work directory (#28818): so a tree is
 * removed only when it lies strictly inside the managed root (after resolving the root's real path),
 * the target itself is not a symbolic link, and links inside it are removed as links, never followed.
 */
public final class ManagedDirectories {
  private ManagedDirectories() {}

  /** Whether {@code target} lies strictly inside {@code root} and is not reached through a link. */
  public static boolean isStrictlyInside(Path root, Path target) {
    try {
      if (!Files.exists(root)) {
        return false;
      }
      Path realRoot = root.toRealPath();
      Path normalized = target.toAbsolutePath().normalize();
      if (!normalized.startsWith(root.toAbsolutePath().normalize()) || normalized.equals(root.toAbsolutePath().normalize())) {
        return false;
      }
      Path parent = normalized.getParent();
      Path realParent = parent.toRealPath();
      return realParent.startsWith(realRoot) && !Files.isSymbolicLink(normalized);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Removes {@code target} and everything under it if it is a managed directory of {@code root}.
   *
   * @return false when the target was refused (outside the root, a link) or absent
   */
  public static boolean deleteTree(Path root, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) || !isStrictlyInside(root, target)) {
      return false;
    }
    Files.walkFileTree(target, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        deleteIfPresent(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        deleteIfPresent(dir);
        return FileVisitResult.CONTINUE;
      }
    });
    return true;
  }

  private static void deleteIfPresent(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException ignored) {
      // already gone: the goal is reached
    }
  }
}
