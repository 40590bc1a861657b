package dev.gatehouse.login;

import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.session.Amr;
import java.time.Duration;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * A sign-in halfway: the password was right, a second factor is still to come. Carried in a MACed
 * cookie rather than held in memory, so it costs no row and any node of a cluster can finish it. It
 * grants nothing but the right to try a second factor (throttled per account) or, for a user who
 * must have one and has none, to enrol one; and only for five minutes.
 */
final class PendingSignIns {
  static final Duration LIFETIME = Duration.ofMinutes(5);

  /** Who signed in with what so far. */
  record Pending(String userId, Amr amr) {}

  private final MacKey key;
  private final InstantSource clock;

  PendingSignIns(MacKey key, InstantSource clock) {
    this.key = key;
    this.clock = clock;
  }

  /** The cookie value for {@code userId}, proved by {@code amr}, from now on. */
  String issue(String userId, Amr amr) {
    String body = userId + "." + amr.bits() + "." + (clock.millis() + LIFETIME.toMillis());
    return body + "." + key.sign(body);
  }

  /** The pending sign-in behind a cookie value, or null when absent, forged or expired. */
  @Nullable Pending read(@Nullable String cookie) {
    if (cookie == null || cookie.length() > 512) {
      return null;
    }
    int mac = cookie.lastIndexOf('.');
    if (mac < 0 || !key.verify(cookie.substring(mac + 1), cookie.substring(0, mac))) {
      return null;
    }
    String[] parts = cookie.substring(0, mac).split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      if (Long.parseLong(parts[2]) <= clock.millis()) {
        return null;
      }
      return new Pending(parts[0], new Amr(Integer.parseInt(parts[1])));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
