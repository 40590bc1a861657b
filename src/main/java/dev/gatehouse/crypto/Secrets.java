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

  /** Hex SHA-256 of {@code secret}, the form in which secrets are stored and looked up. */
  public static String digest(String secret) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
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
