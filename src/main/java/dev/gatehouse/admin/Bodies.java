package dev.gatehouse.admin;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Request bodies of the admin API that have no domain record of their own. */
final class Bodies {
  private Bodies() {}

  record GroupBody(@Nullable String name, @Nullable Boolean requireMfa) {}

  record MemberBody(@Nullable String username) {}

  record RotateBody(@Nullable Integer graceSeconds) {}

  record ApiKeyBody(@Nullable String name, @Nullable String role, @Nullable Instant expiresAt) {}
}
