package dev.gatehouse.device;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A paired device: a native client that authenticates as its user with a long random token.
 *
 * @param twoFactor paired from a session whose sign-in proved two factors: the device then passes
 *     {@code two_factor} rules, as that session did
 */
public record Device(
    String id,
    String userId,
    String name,
    Instant createdAt,
    @Nullable Instant lastSeen,
    boolean twoFactor) {

  Device seenAt(Instant at) {
    return new Device(id, userId, name, createdAt, at, twoFactor);
  }
}
