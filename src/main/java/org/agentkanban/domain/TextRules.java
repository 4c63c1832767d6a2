package org.agentkanban.domain;

/**
 * Limits and checks for free text that people and agents send us. Checked before anything is
 * written, so bad input never leaves a partial write.
 */
public final class TextRules {
  public static final int TITLE_MAX_CHARS = 500;
  /** 1 MiB: a generous spec for an agent; a 10 MB body is a mistake, not a task. */
  public static final int BODY_MAX_BYTES = 1 << 20;
  public static final int COMMENT_MAX_BYTES = 64 * 1024;
  public static final int REASON_MAX_CHARS = 4_000;
  public static final int SUMMARY_MAX_BYTES = 64 * 1024;
  public static final int METADATA_MAX_BYTES = 256 * 1024;
  public static final int NAME_MAX_CHARS = 100;
  public static final int IDEMPOTENCY_KEY_MAX_CHARS = 200;
  /** Stored failure text is capped so one noisy worker cannot bloat every row that shows it. */
  public static final int ERROR_MAX_CHARS = 500;

  private TextRules() {}

  public static boolean hasControlCharacters(String s) {
    return s.chars().anyMatch(c -> Character.isISOControl(c));
  }

  /** Control characters other than newline and tab. */
  public static boolean hasControlCharactersExceptNewlines(String s) {
    return s.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r');
  }

  public static String title(String raw) {
    if (raw == null || raw.isBlank()) {
      throw KanbanException.invalid("title is required and must not be blank");
    }
    String t = raw.strip();
    if (hasControlCharacters(t)) {
      throw KanbanException.invalid("title must not contain control characters");
    }
    if (t.length() > TITLE_MAX_CHARS) {
      throw KanbanException.invalid(
          "title is " + t.length() + " characters; the limit is " + TITLE_MAX_CHARS);
    }
    return t;
  }

  public static String body(String raw) {
    if (raw == null) {
      return "";
    }
    checkBytes("body", raw, BODY_MAX_BYTES);
    if (raw.indexOf('\0') >= 0) {
      throw KanbanException.invalid("body must not contain NUL characters");
    }
    return raw;
  }

  public static String comment(String raw) {
    if (raw == null || raw.isBlank()) {
      throw KanbanException.invalid("comment text is required");
    }
    checkBytes("comment", raw, COMMENT_MAX_BYTES);
    if (raw.indexOf('\0') >= 0) {
      throw KanbanException.invalid("comment must not contain NUL characters");
    }
    return raw.strip();
  }

  public static String summary(String raw) {
    if (raw == null) {
      return null;
    }
    checkBytes("summary", raw, SUMMARY_MAX_BYTES);
    if (raw.indexOf('\0') >= 0) {
      throw KanbanException.invalid("summary must not contain NUL characters");
    }
    return raw.strip();
  }

  /** Optional short text such as a block reason. */
  public static String reason(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String r = raw.strip();
    if (r.length() > REASON_MAX_CHARS) {
      throw KanbanException.invalid(
          "reason is " + r.length() + " characters; the limit is " + REASON_MAX_CHARS);
    }
    if (hasControlCharactersExceptNewlines(r)) {
      throw KanbanException.invalid("reason must not contain control characters");
    }
    return r;
  }

  /** Assignee, tenant, author: a short single-line name. Blank means "none". */
  public static String name(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String n = raw.strip();
    if (n.length() > NAME_MAX_CHARS) {
      throw KanbanException.invalid(field + " is longer than " + NAME_MAX_CHARS + " characters");
    }
    if (hasControlCharacters(n)) {
      throw KanbanException.invalid(field + " must not contain control characters");
    }
    return n;
  }

  /** Assignees name config profiles, so they follow one spelling: lower case, no spaces. */
  public static String assignee(String raw) {
    String n = name("assignee", raw);
    if (n == null) {
      return null;
    }
    String lower = n.toLowerCase(java.util.Locale.ROOT);
    if (!lower.matches("[a-z0-9][a-z0-9._-]*")) {
      throw KanbanException.invalid(
          "assignee '" + n + "' must start with a letter or digit and use only a-z, 0-9, '.', '_' or '-'");
    }
    return lower;
  }

  public static String idempotencyKey(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isBlank()) {
      throw KanbanException.invalid("idempotency key must not be blank");
    }
    if (raw.length() > IDEMPOTENCY_KEY_MAX_CHARS || hasControlCharacters(raw)) {
      throw KanbanException.invalid(
          "idempotency key must be at most " + IDEMPOTENCY_KEY_MAX_CHARS + " printable characters");
    }
    return raw;
  }

  public static int priority(int p) {
    if (p < -1000 || p > 1000) {
      throw KanbanException.invalid("priority must be between -1000 and 1000, got " + p);
    }
    return p;
  }

  public static Integer maxRetries(Integer n) {
    if (n != null && (n < 0 || n > 100)) {
      throw KanbanException.invalid("max retries must be between 0 and 100, got " + n);
    }
    return n;
  }

  public static String clipError(String error) {
    if (error == null) {
      return null;
    }
    return error.length() <= ERROR_MAX_CHARS ? error : error.substring(0, ERROR_MAX_CHARS - 1) + "…";
  }

  private static void checkBytes(String field, String s, int max) {
    // Cheap upper bound first: a UTF-8 char is at most 3 bytes for a Java char.
    if (s.length() * 3L <= max) {
      return;
    }
    int bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > max) {
      throw KanbanException.invalid(
          field + " is " + bytes + " bytes; the limit is " + max + " bytes (" + (max >> 10) + " KiB)");
    }
  }
}
