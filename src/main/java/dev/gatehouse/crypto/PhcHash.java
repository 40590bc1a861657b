package dev.gatehouse.crypto;

import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in PHC string format, {@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}, so that the
 * parameters travel with each hash and a config change can upgrade it at the next login.
 */
record PhcHash(Argon2Params params, byte[] salt, byte[] hash) {
  private static final Pattern FORMAT =
      Pattern.compile(
          "^\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();
  // A stored hash decides how much memory its check takes, so a damaged or planted one must not
  // ask for more than the configuration could (4 GiB), nor for what Argon2 rejects (RFC 9106:
  // m >= 8p, salt >= 8 bytes, tag >= 4 bytes): such a hash is no match, not an error.
  private static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

  static Optional<PhcHash> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    Argon2Params params =
        new Argon2Params(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)));
    if (params.iterations() < 1
        || params.parallelism() < 1
        || params.memoryKiB() < 8 * params.parallelism()
        || params.memoryKiB() > MAX_MEMORY_KIB) {
      return Optional.empty();
    }
    try {
      byte[] salt = DECODER.decode(m.group(4));
      byte[] hash = DECODER.decode(m.group(5));
      return salt.length >= 8 && hash.length >= 4
          ? Optional.of(new PhcHash(params, salt, hash))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  String format() {
    return "$argon2id$v=19$m="
        + params.memoryKiB()
        + ",t="
        + params.iterations()
        + ",p="
        + params.parallelism()
        + "$"
        + ENCODER.encodeToString(salt)
        + "$"
        + ENCODER.encodeToString(hash);
  }
}
