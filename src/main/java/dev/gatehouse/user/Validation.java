package dev.gatehouse.user;

import dev.gatehouse.failure.Failure;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Field checks shared by users and groups. */
final class Validation {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");
  private static final Pattern EMAIL =
      Pattern.compile("^[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,189}$");

  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 1024;

  private Validation() {}

  static String name(String field, @Nullable String value) {
    if (value == null || value.isEmpty()) {
      throw new Failure.Invalid(field, field + " is required");
    }
    if (!NAME.matcher(value).matches()) {
      throw new Failure.Invalid(
          field,
          field + " must be 1-64 letters, digits or . _ @ - and start with a letter or digit");
    }
    return value;
  }

  static @Nullable String email(@Nullable String value) {
    if (value != null && !EMAIL.matcher(value).matches()) {
      throw new Failure.Invalid("email", "email must look like name@example.com");
    }
    return value;
  }

  static @Nullable String displayName(@Nullable String value) {
    if (value != null && (value.length() > 200 || value.isBlank())) {
      throw new Failure.Invalid("display_name", "display_name must be 1-200 characters");
    }
    // It travels as the Remote-Name header of every forward-auth answer: no line breaks.
    if (value != null && value.chars().anyMatch(Character::isISOControl)) {
      throw new Failure.Invalid("display_name", "display_name must not contain control characters");
    }
    return value;
  }

  /** Group names, each once; a null entry is a client bug reported at its index. */
  static List<String> groups(@Nullable List<String> values) {
    if (values == null) {
      return List.of();
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      if (value == null) {
        throw new Failure.Invalid("groups[" + i + "]", "groups[" + i + "] must be a group name");
      }
      unique.add(value);
    }
    return List.copyOf(unique);
  }

  /**
   * A password a person chooses (the admin API's {@code password}, the account page's {@code
   * new_password}): 8-1024 characters, not the username, and not among the 10,000 most common
   * ({@link CommonPasswords}), all compared case-insensitively. Length alone lets "password1" and
   * "qwertyuiop" through, the first guesses of every attacker.
   */
  static String password(String field, String value, String username) {
    if (value.length() < MIN_PASSWORD || value.length() > MAX_PASSWORD) {
      throw new Failure.Invalid(
          field, "the password must be " + MIN_PASSWORD + "-" + MAX_PASSWORD + " characters");
    }
    if (value.equalsIgnoreCase(username)) {
      throw new Failure.Invalid(field, "the password must not be the username");
    }
    if (CommonPasswords.contains(value)) {
      throw new Failure.Invalid(
          field,
          "this password is among the 10,000 most common ones and is guessed first; choose"
              + " another");
    }
    return value;
  }
}
