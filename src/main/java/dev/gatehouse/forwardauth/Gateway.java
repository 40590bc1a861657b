package dev.gatehouse.forwardauth;

import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.Policy;
import dev.gatehouse.device.Devices;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.user.UserDirectory;
import java.net.URI;

/**
 * The forward-auth gateway as the composition root sees it: one {@link DecisionEngine} over the
 * in-memory views, whose routes serve the public listener and, when configured, a listener of its
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

  /** The endpoints, for the public listener and {@code [forward_auth] listen} alike. */
  public ForwardAuthRoutes routes() {
    return new ForwardAuthRoutes(forwardAuth, users);
  }
}
