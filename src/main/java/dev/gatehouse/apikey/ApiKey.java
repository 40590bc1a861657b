package dev.gatehouse.apikey;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A key for the admin API. Its secret is kept only as a digest. */
public record ApiKey(
    String id, String name, Role role, @Nullable Instant expiresAt, Instant createdAt) {

  /** What a key may do. */
  public enum Role {
    /** Everything. */
    admin,
    /** Only reads. */
    read_only
  }

  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
