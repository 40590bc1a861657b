package dev.gatehouse.user;

import java.util.Locale;

/** SQL {@code LIKE} patterns for what someone typed into a search box. */
final class Like {
  /** Written after each {@code LIKE ?}: the backslash escapes the pattern's wildcards. */
  static final String ESCAPE = " ESCAPE '\\'";

  private Like() {}

  /** What was typed, lower-cased and trimmed; blank means no filter. */
  static String needle(String typed) {
    return typed.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code %needle%} where the needle's own {@code %}, {@code _} and backslashes are literal: "a_b"
   * finds "a_b", not "axb".
   */
  static String containing(String needle) {
    return "%" + needle.replaceAll("([\\\\%_])", "\\\\$1") + "%";
  }
}
