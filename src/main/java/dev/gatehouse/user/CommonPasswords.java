package dev.gatehouse.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The 10,000 most common passwords (common-passwords.txt beside this class says where they come
 * from), read once on first use. The first guesses of any attacker: a password among them is
 * refused whatever its length.
 */
final class CommonPasswords {
  private CommonPasswords() {}

  /** Whether {@code password}, in any case, is on the list. */
  static boolean contains(String password) {
    return Loaded.ENTRIES.contains(password.toLowerCase(Locale.ROOT));
  }

  /** Loaded with the first check, not at class loading of {@link Validation}'s other callers. */
  private static final class Loaded {
    static final Set<String> ENTRIES = load();

    private static Set<String> load() {
      try (InputStream in =
              Objects.requireNonNull(
                  CommonPasswords.class.getResourceAsStream("common-passwords.txt"),
                  "common-passwords.txt is packaged with this class");
          BufferedReader lines =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return lines
            .lines()
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .map(line -> line.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
