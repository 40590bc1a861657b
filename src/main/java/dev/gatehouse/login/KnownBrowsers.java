package dev.gatehouse.login;

import dev.gatehouse.crypto.MacKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The known-browser cookie ({@code gh_known}): proof that this browser signed in to an account
 * before, so that its attempts on that account are counted apart from everyone else's (OWASP's
 * device cookies). Its value is {@code account.browser.expires.mac}: the account and a random
 * browser id in base64url, the expiry in epoch seconds, and an HMAC-SHA256 over the rest under a
 * key derived from the key encryption key. It grants nothing by itself: a password is still needed.
 */
final class KnownBrowsers {
  static final String COOKIE = "gh_known";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  private final MacKey key;
  private final Supplier<SecureRandom> random;
  private final InstantSource clock;
  private final Duration lifetime;

  KnownBrowsers(MacKey key, Supplier<SecureRandom> random, InstantSource clock, Duration lifetime) {
    this.key = key;
    this.random = random;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  Duration lifetime() {
    return lifetime;
  }

  /** A fresh cookie value for {@code account} (lower case), with a new browser id. */
  String issue(String account) {
    byte[] id = new byte[16];
    random.get().nextBytes(id);
    String body =
        B64.encodeToString(account.getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(id)
            + "."
            + (clock.instant().plus(lifetime).getEpochSecond());
    return body + "." + key.sign(body);
  }

  /**
   * The browser id in {@code cookie} when it is a valid, unexpired cookie for {@code account};
   * otherwise null.
   */
  @Nullable String browserOf(@Nullable String cookie, String account) {
    if (cookie == null || cookie.length() > 512) {
      return null;
    }
    int macAt = cookie.lastIndexOf('.');
    if (macAt < 0) {
      return null;
    }
    String body = cookie.substring(0, macAt);
    String[] parts = body.split("\\.", -1);
    try {
      if (parts.length != 3 || !key.verify(cookie.substring(macAt + 1), body)) {
        return null;
      }
      boolean current = Long.parseLong(parts[2]) > clock.instant().getEpochSecond();
      boolean same = new String(UNB64.decode(parts[0]), StandardCharsets.UTF_8).equals(account);
      return current && same ? parts[1] : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
