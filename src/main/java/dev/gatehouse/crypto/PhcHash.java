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

  static Optional<PhcHash> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new PhcHash(
              new Argon2Params(
                  Integer.parseInt(m.group(1)),
                  Integer.parseInt(m.group(2)),
                  Integer.parseInt(m.group(3))),
              DECODER.decode(m.group(4)),
              DECODER.decode(m.group(5))));
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
