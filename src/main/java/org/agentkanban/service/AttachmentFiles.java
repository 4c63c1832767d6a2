package org.agentkanban.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.agentkanban.domain.KanbanException;

/** Attachment names and bytes. Names are checked, never silently rewritten into something else. */
final class AttachmentFiles {
  static final int NAME_MAX_CHARS = 200;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"), Map.entry("log", "text/plain"),
      Map.entry("json", "application/json"), Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
      Map.entry("csv", "text/csv"), Map.entry("html", "text/html"), Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
      Map.entry("svg", "image/svg+xml"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
      Map.entry("gz", "application/gzip"), Map.entry("diff", "text/x-diff"), Map.entry("patch", "text/x-diff"));

  private AttachmentFiles() {}

  record Stored(Path path, String storedName, long size, String sha256) {}

  /** A display name: one path segment, printable, not hidden, bounded. */
  static String requireName(String name) {
    if (name == null || name.isBlank()) {
      throw KanbanException.invalid("attachment name must not be blank");
    }
    if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
      throw KanbanException.invalid("attachment name '" + printable(name) + "' must be a plain file name, without '/', '\\' or '..'");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw KanbanException.invalid("attachment name must not contain control characters");
    }
    if (name.startsWith(".")) {
      throw KanbanException.invalid("attachment name '" + printable(name) + "' must not start with '.'; pass --name");
    }
    if (name.length() > NAME_MAX_CHARS) {
      throw KanbanException.invalid("attachment name is longer than " + NAME_MAX_CHARS + " characters");
    }
    return name;
  }

  /** The source must be a readable regular file within the size cap; checked by {@code stat}. */
  static void requireSource(Path source, long maxBytes) {
    if (Files.isSymbolicLink(source)) {
      // copyIn never follows links (a link could be swapped between the check and the copy).
      throw KanbanException.invalid(source + " is a symbolic link; attach the file it points to");
    }
    if (!Files.exists(source)) {
      throw KanbanException.notFound("no such file: " + source);
    }
    if (!Files.isRegularFile(source)) {
      throw KanbanException.invalid(source + " is not a regular file");
    }
    if (!Files.isReadable(source)) {
      throw KanbanException.invalid(source + " is not readable");
    }
    try {
      long size = Files.size(source);
      if (size > maxBytes) {
        throw KanbanException.invalid(source + " is " + size + " bytes; attachments are limited to " + maxBytes + " bytes");
      }
    } catch (IOException e) {
      throw KanbanException.invalid("cannot read " + source + ": " + e.getMessage());
    }
  }

  /** {@code name}, or {@code name (1).ext}, {@code name (2).ext}… whichever is not taken. */
  static String unique(String name, Set<String> taken) {
    if (!taken.contains(name)) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int i = 1; ; i++) {
      String candidate = stem + " (" + i + ")" + ext;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  static String contentType(String name, String given) {
    if (given != null && !given.isBlank()) {
      if (!given.matches("[\\w.+-]+/[\\w.+-]+(;.*)?")) {
        throw KanbanException.invalid("bad content type '" + printable(given) + "'; expected type/subtype");
      }
      return given;
    }
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  /**
   * Copies the bytes into {@code dir} under a fresh stored name (temp file, then an atomic rename),
   * hashing as it goes and stopping at the cap even if the file grew after the size check.
   */
  static Stored copyIn(Path source, Path dir, String displayName, long maxBytes) {
    String storedName = randomPrefix() + "-" + displayName;
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + storedName + ".part");
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long total = 0;
      try (InputStream in = new DigestInputStream(Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS), sha);
          OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
          if (total > maxBytes) {
            throw KanbanException.invalid(source + " grew past the " + maxBytes + "-byte attachment limit while copying");
          }
          out.write(buf, 0, n);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Path target = dir.resolve(storedName);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return new Stored(target, storedName, total, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw KanbanException.unavailable("cannot store attachment in " + dir + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomPrefix() {
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String printable(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }
}
