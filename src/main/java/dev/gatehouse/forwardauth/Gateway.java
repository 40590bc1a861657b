package dev.gatehouse.forwardauth;

import dev.gatehouse.app.Access;
import dev.gatehouse.app.App;
import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.Policy;
import dev.gatehouse.app.ProtectedApp;
import dev.gatehouse.app.Trial;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The forward-auth gateway as the composition root sees it: one {@link DecisionEngine} over the
 * in-memory views, whose routes serve the public listener and, when configured, a listener of its
 * own, and whose {@link #trial trials} answer the console's "try a request".
 */
public final class Gateway {
  private final DecisionEngine engine;
  private final ForwardAuth forwardAuth;
  private final UserDirectory users;
  private final IdentityHeaders<Trial.Header> trialHeaders;

  public Gateway(
      AppDirectory apps,
      UserDirectory users,
      Sessions sessions,
      Devices devices,
      AccessTokens accessTokens,
      Policy fallback,
      URI publicUrl) {
    this.engine = new DecisionEngine(apps, users, sessions, devices, accessTokens, fallback);
    this.forwardAuth = new ForwardAuth(engine, publicUrl);
    this.users = users;
    this.trialHeaders = new IdentityHeaders<>(users, Trial.Header::new);
  }

  /** The endpoints, for the public listener and {@code [forward_auth] listen} alike. */
  public ForwardAuthRoutes routes() {
    return new ForwardAuthRoutes(forwardAuth, users);
  }

  /**
   * What forward-auth would answer to {@code method url} (absolute, read as nginx's X-Original-URL
   * is) from {@code clientAddress} (null: the proxy sent no X-Forwarded-For), for a session of
   * {@code username} (null: nobody signed in) that proved two factors or not. Decided by the same
   * engine, on the same in-memory state, as the proxies' requests; reads nothing else, changes
   * nothing and records nothing.
   *
   * @throws Failure.Invalid when no enabled user has that name ({@code user}) or the address is not
   *     one ({@code client_address})
   */
  public Trial trial(
      String method,
      String url,
      @Nullable String username,
      boolean twoFactor,
      @Nullable String clientAddress) {
    if (clientAddress != null && ForwardAuth.clientAddress(clientAddress) == null) {
      throw new Failure.Invalid(
          "client_address", "not an IP address such as 192.168.1.20 or 2001:db8::1");
    }
    DecisionEngine.Identified who = null;
    if (username != null) {
      Principal principal = users.byUsername(username);
      if (principal == null) {
        throw new Failure.Invalid("user", "no user is named " + username);
      }
      if (principal.disabled()) {
        throw new Failure.Invalid(
            "user",
            principal.username()
                + " is disabled: forward-auth treats their sessions as signed out");
      }
      who = new DecisionEngine.Identified(principal, twoFactor);
    }
    Target target =
        ForwardAuth.original(
            method, url, header -> header == ProxyHeader.FORWARDED_FOR ? clientAddress : null);
    if (target == null) {
      return new Trial(
          null,
          null,
          Trial.Verdict.BAD_REQUEST,
          400,
          "",
          "forward-auth refuses this request: the URL must be absolute (http or https), and its"
              + " path free of what upstreams read differently (an encoded / or \\, a dot"
              + " segment, ;, spaces or control characters)",
          List.of());
    }
    ProtectedApp app = engine.app(target);
    Access access = engine.access(app, target);
    App decidedBy = app == null ? null : app.app();
    return switch (engine.judge(access, who)) {
      case Decision.Allow allow ->
          new Trial(
              decidedBy,
              access,
              Trial.Verdict.ALLOW,
              200,
              "",
              "",
              trialHeaders.of(allow.principal()));
      case Decision.SignIn signIn ->
          new Trial(
              decidedBy,
              access,
              signIn.stepUp() ? Trial.Verdict.STEP_UP : Trial.Verdict.SIGN_IN,
              401,
              forwardAuth.signInUrl(signIn, target),
              "",
              List.of());
      case Decision.Deny deny ->
          new Trial(decidedBy, access, Trial.Verdict.DENY, 403, "", "", List.of());
      case Decision.BadRequest bad ->
          new Trial(decidedBy, access, Trial.Verdict.BAD_REQUEST, 400, "", bad.reason(), List.of());
    };
  }
}
