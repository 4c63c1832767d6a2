package org.agentkanban.domain;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Task ids: {@code t_} + 10 random Crockford base32 characters (50 bits), collision-checked on insert. */
public final class TaskIds {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Accepts every id we generate and the shorter hex ids of the reference system. */
  public static final Pattern PATTERN = Pattern.compile("t_[0-9a-z]{4,32}");

  private TaskIds() {}

  public static String next() {
    char[] c = new char[12];
    c[0] = 't';
    c[1] = '_';
    for (int i = 2; i < c.length; i++) {
      c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  public static boolean looksLikeId(String s) {
    return s != null && PATTERN.matcher(s).matches();
  }

  public static String require(String s) {
    if (!looksLikeId(s)) {
      throw KanbanException.invalid("'" + s + "' is not a task id (expected t_ followed by letters and digits)");
    }
    return s;
  }
}
