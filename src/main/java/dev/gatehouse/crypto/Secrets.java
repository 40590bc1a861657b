package dev.gatehouse.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Generated high-entropy secrets (API keys, client secrets, device tokens). They are stored as
 * SHA-256 digests: with 256 random bits there is nothing for a slow hash to protect, and a slow
 * hash would only slow down every request that presents one.
 */
public final class Secrets {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private final Supplier<SecureRandom> random;

  public Secrets(Supplier<SecureRandom> random) {
    this.random = random;
  }

  /** A new secret of 32 random bytes, URL-safe Base64, prefixed so that leaks are recognisable. */
  public String generate(String prefix) {
    byte[] bytes = new byte[32];
    random.get().nextBytes(bytes);
    return prefix + URL.encodeToString(bytes);
  }

  /**
   * Looked up once and cloned per call: {@code getInstance} walks the provider list and builds the
   * service by reflection on every call, a measurable share of a forward-auth decision, which
   * digests the cookie each time. A clone is a plain copy. (A ThreadLocal would not help: virtual
   * threads live for one request, so each would fill its own.)
   */
  private static final MessageDigest SHA_256 = sha256();

  private static final HexFormat HEX = HexFormat.of();

  /** Hex SHA-256 of {@code secret}, the form in which secrets are stored and looked up. */
  public static String digest(String secret) {
    MessageDigest sha256;
    try {
      sha256 = (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      sha256 = sha256();
    }
    return HEX.formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Compares {@code secret} with a stored digest in time independent of where they differ. */
  public static boolean matches(String secret, String storedDigest) {
    return MessageDigest.isEqual(
        digest(secret).getBytes(StandardCharsets.US_ASCII),
        storedDigest.getBytes(StandardCharsets.US_ASCII));
  }
}
