package dev.gatehouse.forwardauth;

import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.Policy;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.device.Devices;
import dev.gatehouse.metrics.HttpMetrics;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.user.UserDirectory;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The forward-auth gateway as the composition root sees it: one {@link DecisionEngine} over the
 * in-memory views, carried by the main listener's routes and, when configured, by a listener of its
 * own.
 */
public final class Gateway {
  private final ForwardAuth forwardAuth;
  private final UserDirectory users;

  public Gateway(
      AppDirectory apps,
      UserDirectory users,
      Sessions sessions,
      Devices devices,
      AccessTokens accessTokens,
      Policy fallback,
      URI publicUrl) {
    this.forwardAuth =
        new ForwardAuth(
            new DecisionEngine(apps, users, sessions, devices, accessTokens, fallback), publicUrl);
    this.users = users;
  }

  /** The endpoints on the main listener. */
  public ForwardAuthRoutes routes() {
    return new ForwardAuthRoutes(forwardAuth, users);
  }

  /**
   * Starts the dedicated listener on {@code address} with {@code threads} event loops; its requests
   * count in {@code metrics} (null when metrics are off) like the main listener's.
   */
  public ForwardAuthListener listen(HostPort address, int threads, @Nullable HttpMetrics metrics) {
    return ForwardAuthListener.start(address, threads, forwardAuth, users, metrics);
  }
}
