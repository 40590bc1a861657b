package dev.gatehouse.user;

import dev.gatehouse.store.Tx;
import org.jspecify.annotations.Nullable;

/**
 * Credentials that a user's password vouched for, held by another package: login sessions, paired
 * devices, OAuth grants. A password change or disabling the user ends them inside the same unit of
 * work as the change itself, so nothing is half-done, and memory learns of both from one commit
 * before the call returns.
 */
@FunctionalInterface
public interface DerivedCredentials {

  /**
   * Ends {@code userId}'s credentials in {@code tx} and publishes what ended; the session whose
   * public id is {@code keptSession} (the one making a user's own change), if any, survives.
   */
  void endIn(Tx tx, String userId, @Nullable String keptSession);
}
