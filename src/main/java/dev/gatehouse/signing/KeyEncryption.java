package dev.gatehouse.signing;

import dev.gatehouse.crypto.MacKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.logging.Logger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys and TOTP secrets at rest with AES-256-GCM under the key encryption key (KEK).
 * The key id is bound as associated data, so a sealed key cannot be swapped into another row
 * unnoticed. A copy of the database without the KEK holds no usable private key.
 */
public final class KeyEncryption {
  private static final Logger LOG = Logger.getLogger(KeyEncryption.class.getName());
  private static final String FILE = "gatehouse.kek";
  private static final int NONCE_BYTES = 12;

  private final SecretKeySpec key;
  private final SecureRandom random;

  KeyEncryption(byte[] key, SecureRandom random) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the key encryption key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key, "AES");
    this.random = random;
  }

  /**
   * The configured KEK (base64), or when none is configured the one in {@code
   * <dataDir>/gatehouse.kek}, generated there with owner-only permissions on first start.
   */
  public static KeyEncryption resolve(String configured, Path dataDir, SecureRandom random) {
    if (!configured.isBlank()) {
      return new KeyEncryption(Base64.getDecoder().decode(configured.strip()), random);
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        Files.createDirectories(dataDir);
        write(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      }
      LOG.warning(
          "signing keys are sealed with the key in "
              + file
              + "; move it to oidc.key_encryption_key (GATEHOUSE_OIDC_KEY_ENCRYPTION_KEY) and"
              + " delete the file, so that a copy of the data directory holds no usable key");
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return new KeyEncryption(Base64.getDecoder().decode(text), random);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    Files.writeString(file, content, StandardCharsets.US_ASCII);
  }

  /**
   * A MAC key for {@code label}, derived from the KEK (HMAC-SHA256 of the label under it): random
   * per install, never stored, and independent of the sealing key and of every other label. Values
   * MACed under it (CSRF tokens, login marks) stop verifying when the KEK changes, which only
   * expires open forms.
   */
  public MacKey macKey(String label) {
    return new MacKey(key.getEncoded()).derive(label);
  }

  /**
   * Seals {@code plaintext} (a signing key, a TOTP secret) bound to {@code kid}, the row it belongs
   * in; {@link #open} with another kid fails.
   */
  public String seal(String plaintext, String kid) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  public String open(String sealed, String kid) {
    byte[] in = Base64.getDecoder().decode(sealed);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOf(in, NONCE_BYTES)));
      cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      return new String(
          cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot unseal "
              + kid
              + ": the key encryption key differs from the one it was sealed with",
          e);
    }
  }
}
