package dev.gatehouse.mfa;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226) with the parameters every
 * authenticator app supports: HMAC-SHA1, six digits, a 30-second step.
 *
 * <p>What must hold: a code is accepted for the step before, the current step and the step after
 * (clock drift and typing time), and each step at most once per key: the caller stores the step
 * that {@link #match} returns and passes it back as {@code lastUsedStep}, so a code seen over a
 * shoulder or replayed from a log is refused, and so is every older one. All three candidate codes
 * are computed and compared in constant time whatever the input, so timing tells nothing about
 * which step, if any, matched.
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final int PERIOD_SECONDS = 30;

  /** The {@code lastUsedStep} to pass for a key that has not accepted a code yet. */
  public static final long NO_STEP_USED = Long.MIN_VALUE;

  private static final int MODULUS = 1_000_000; // 10^DIGITS

  /** RFC 4226 section 4 R6 recommends a 160-bit shared secret, the size of an SHA-1 output. */
  private static final int KEY_BYTES = 20;

  /** Longer typed input is refused before any work: six digits with spaces fit in far less. */
  private static final int MAX_TYPED = 64;

  // The RFC 4648 alphabet. Bouncy Castle's encoders.Base32 (on the class path) is not used: it
  // always
  // pads with '=', which the Key Uri Format says to leave out, and decodes only padded upper case.
  // Wrapping it to fix both would take as many lines as the encoder and decoder below.
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** RFC 3986 unreserved characters, the only ones left as they are in the URI. */
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  private Totp() {}

  /** The RFC 6238 time step T = floor(unix seconds / 30) of an instant in epoch milliseconds. */
  public static long step(long epochMillis) {
    return Math.floorDiv(epochMillis, PERIOD_SECONDS * 1000L);
  }

  /** The six-digit code (zero-padded) of {@code key} at {@code step}: HOTP with counter = step. */
  public static String code(byte[] key, long step) {
    Mac mac = hmacSha1(key);
    byte[] hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
    // RFC 4226 section 5.3, dynamic truncation.
    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        (hash[offset] & 0x7f) << 24
            | (hash[offset + 1] & 0xff) << 16
            | (hash[offset + 2] & 0xff) << 8
            | (hash[offset + 3] & 0xff);
    // Not String.format: a default locale with other digits (Arabic, Devanagari) would change them.
    String digits = Integer.toString(binary % MODULUS);
    return "0".repeat(DIGITS - digits.length()) + digits;
  }

  /**
   * The step at which {@code typed} is the code of {@code key}, among the step of {@code nowMillis}
   * and its two neighbours, if it is later than {@code lastUsedStep}; empty if {@code typed} is not
   * six ASCII digits (spaces aside), matches none of them, or matches only a step already used.
   */
  public static OptionalLong match(byte[] key, String typed, long nowMillis, long lastUsedStep) {
    if (typed.length() > MAX_TYPED) {
      return OptionalLong.empty();
    }
    String digits = withoutSpaces(typed);
    if (!isSixAsciiDigits(digits)) {
      return OptionalLong.empty();
    }
    byte[] given = digits.getBytes(StandardCharsets.US_ASCII);
    long now = step(nowMillis);
    boolean found = false;
    long matched = 0;
    // No early exit: every candidate is computed and compared. The earliest unused match wins, so
    // that a (one in a million) collision with a later step never burns that later step.
    for (long candidate = now - 1; candidate <= now + 1; candidate++) {
      boolean equal =
          MessageDigest.isEqual(given, code(key, candidate).getBytes(StandardCharsets.US_ASCII));
      boolean fresh = candidate > lastUsedStep;
      if (equal && fresh && !found) {
        found = true;
        matched = candidate;
      }
    }
    return found ? OptionalLong.of(matched) : OptionalLong.empty();
  }

  /** A new random 160-bit key. */
  public static byte[] newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  /**
   * The {@code otpauth://totp/} URI an authenticator app reads from a QR code, in the Key Uri
   * Format of google-authenticator's wiki: label {@code issuer:account}, secret in unpadded Base32,
   * the issuer repeated as a parameter (apps prefer it to the label prefix) and the parameters
   * spelled out though they are the defaults. Label and parameters are percent-encoded as UTF-8, a
   * space as {@code %20} (never {@code +}, which some apps show literally); the separating colon
   * stays literal, so a colon inside the issuer or account is encoded and cannot split the label.
   */
  public static String uri(String issuer, String account, byte[] key) {
    return "otpauth://totp/"
        + encode(issuer)
        + ':'
        + encode(account)
        + "?secret="
        + base32(key)
        + "&issuer="
        + encode(issuer)
        + "&algorithm=SHA1&digits="
        + DIGITS
        + "&period="
        + PERIOD_SECONDS;
  }

  /** RFC 4648 Base32 of {@code bytes}: upper case, without padding. */
  public static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = buffer << 8 | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out.append(BASE32.charAt(buffer >>> bits & 0x1f));
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt(buffer << (5 - bits) & 0x1f));
    }
    return out.toString();
  }

  /**
   * The bytes of RFC 4648 Base32 {@code text}, in either case, with or without spaces and trailing
   * {@code =} padding.
   *
   * @throws IllegalArgumentException on any other character, or a length no byte string encodes to
   */
  public static byte[] fromBase32(String text) {
    String compact = withoutSpaces(text).toUpperCase(Locale.ROOT);
    int end = compact.length();
    while (end > 0 && compact.charAt(end - 1) == '=') {
      end--;
    }
    int rest = end % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
      throw new IllegalArgumentException("Base32 text of " + end + " characters is truncated");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(end * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < end; i++) {
      int value = BASE32.indexOf(compact.charAt(i));
      if (value < 0) {
        throw new IllegalArgumentException("not a Base32 character at " + i);
      }
      buffer = buffer << 5 | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.write(buffer >>> bits & 0xff);
      }
    }
    return out.toByteArray();
  }

  /**
   * {@code base32} in groups of four characters separated by spaces, for people to read or type.
   */
  public static String grouped(String base32) {
    StringBuilder out = new StringBuilder(base32.length() + base32.length() / 4);
    for (int i = 0; i < base32.length(); i += 4) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(base32, i, Math.min(i + 4, base32.length()));
    }
    return out.toString();
  }

  private static String withoutSpaces(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // Apps and copy-paste group codes with spaces, including no-break and thin spaces.
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isSixAsciiDigits(String text) {
    if (text.length() != DIGITS) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** RFC 3986 percent-encoding of everything outside the unreserved set, as UTF-8. */
  private static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 0x80 && UNRESERVED.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static Mac hmacSha1(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      return mac;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable TOTP key", e);
    }
  }
}
