package dev.gatehouse.mfa;

import dev.gatehouse.crypto.Secrets;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One-time recovery codes, shown once at enrolment and stored only as digests. Each code is 80
 * random bits written in Crockford's Base32 alphabet in lower case (digits and letters without i,
 * l, o, u), 16 characters in four groups of four, for example {@code 7kq2-mz9d-4hxt-0c8w}. Typed
 * codes are normalised the Crockford way: case, spaces and dashes do not matter, and i, l and o are
 * read as the digits they look like.
 */
public final class RecoveryCodes {
  public static final int COUNT = 10;

  private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  private static final int CHARACTERS = 16; // 80 bits, 5 per character
  private static final int GROUP = 4;

  /** Longer typed input is refused before any work: a code with generous spacing fits in 64. */
  private static final int MAX_TYPED = 64;

  private RecoveryCodes() {}

  /** {@link #COUNT} distinct new codes in display form ({@code xxxx-xxxx-xxxx-xxxx}). */
  public static List<String> generate(SecureRandom random) {
    Set<String> codes = new LinkedHashSet<>();
    while (codes.size() < COUNT) {
      codes.add(display(randomCode(random)));
    }
    return List.copyOf(codes);
  }

  /**
   * The canonical 16-character form of a typed code, or null if it cannot be one: longer than 64
   * characters, or not 16 characters of the alphabet once case, spaces and dashes are set aside and
   * i, l, o read as 1, 1, 0.
   */
  public static @Nullable String normalise(String typed) {
    if (typed.length() > MAX_TYPED) {
      return null;
    }
    StringBuilder out = new StringBuilder(CHARACTERS);
    String lower = typed.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '-' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        continue;
      }
      char read =
          switch (c) {
            case 'i', 'l' -> '1';
            case 'o' -> '0';
            default -> c;
          };
      if (ALPHABET.indexOf(read) < 0 || out.length() == CHARACTERS) {
        return null;
      }
      out.append(read);
    }
    return out.length() == CHARACTERS ? out.toString() : null;
  }

  /**
   * The stored form of a normalised code: its SHA-256, as for the other generated secrets. A slow
   * password hash protects guessable secrets; against 80 random bits an attacker holding the
   * digests still needs about 2^79 SHA-256 evaluations per code, and an unsalted digest lets the
   * code be looked up by an index instead of tried against each stored hash in turn.
   */
  public static String digest(String normalised) {
    return Secrets.digest(normalised);
  }

  private static String randomCode(SecureRandom random) {
    byte[] bytes = new byte[CHARACTERS * 5 / 8];
    random.nextBytes(bytes);
    StringBuilder out = new StringBuilder(CHARACTERS);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = buffer << 8 | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out.append(ALPHABET.charAt(buffer >>> bits & 0x1f));
      }
    }
    return out.toString();
  }

  private static String display(String code) {
    StringBuilder out = new StringBuilder(CHARACTERS + CHARACTERS / GROUP);
    for (int i = 0; i < CHARACTERS; i += GROUP) {
      if (i > 0) {
        out.append('-');
      }
      out.append(code, i, i + GROUP);
    }
    return out.toString();
  }
}
