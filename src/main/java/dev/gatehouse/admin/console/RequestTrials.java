package dev.gatehouse.admin.console;

import dev.gatehouse.app.Trial;
import org.jspecify.annotations.Nullable;

/**
 * The "try a request" of an app's page: forward-auth's own decision for a request an admin
 * describes. Forward-auth is another edge package, which the console may not import; the
 * composition root hands its gateway's trial in as this.
 */
@FunctionalInterface
public interface RequestTrials {
  /**
   * What forward-auth would answer; {@code username} null for nobody signed in, {@code
   * clientAddress} null for none sent.
   *
   * @throws dev.gatehouse.failure.Failure.Invalid naming the field ({@code user}, {@code
   *     client_address}) that names no enabled user or no address
   */
  Trial run(
      String method,
      String url,
      @Nullable String username,
      boolean twoFactor,
      @Nullable String clientAddress);
}
