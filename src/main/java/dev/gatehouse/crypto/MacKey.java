package dev.gatehouse.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A server-side HMAC-SHA256 key for values the server hands out and must recognise again (CSRF
 * tokens, the authorize endpoint's login mark). Keys for different purposes are derived with
 * distinct labels, so that a MAC made for one purpose never verifies for another. Parts are
 * length-prefixed before they are MACed, so that ("ab","c") and ("a","bc") differ.
 */
public final class MacKey {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private final SecretKeySpec key;

  public MacKey(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("a MAC key needs at least 32 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** A key for {@code label} alone: HMAC(this key, label), as HKDF-Expand does with one block. */
  public MacKey derive(String label) {
    return new MacKey(raw(label.getBytes(StandardCharsets.UTF_8)));
  }

  /** The MAC of {@code parts}, URL-safe Base64 (43 characters). */
  public String sign(String... parts) {
    int size = 0;
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = parts[i].getBytes(StandardCharsets.UTF_8);
      size += 4 + bytes[i].length;
    }
    ByteBuffer message = ByteBuffer.allocate(size);
    for (byte[] part : bytes) {
      message.putInt(part.length).put(part);
    }
    return URL.encodeToString(raw(message.array()));
  }

  /** Whether {@code mac} is the MAC of {@code parts}, in time independent of where they differ. */
  public boolean verify(String mac, String... parts) {
    return MessageDigest.isEqual(
        sign(parts).getBytes(StandardCharsets.US_ASCII), mac.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] raw(byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("a 32-byte key is valid for HMAC-SHA256", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
