package dev.gatehouse.forwardauth;

import dev.gatehouse.app.Access;
import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.Policy;
import dev.gatehouse.app.ProtectedApp;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import org.jspecify.annotations.Nullable;

/**
 * Decides one forward-auth request.
 *
 * <p>What always holds: a decision reads only in-memory state (apps, users, sessions, devices),
 * which the writer updates through events after each commit and before the changing call returns.
 * So a decision issues no query and no write, never waits for a connection, and the first decision
 * after a change already sees it. Session activity is noted in memory and persisted later in
 * batches.
 */
final class DecisionEngine {
  private final AppDirectory apps;
  private final UserDirectory users;
  private final Sessions sessions;
  private final Devices devices;
  private final AccessTokens accessTokens;
  private final Access defaultAccess;

  DecisionEngine(
      AppDirectory apps,
      UserDirectory users,
      Sessions sessions,
      Devices devices,
      AccessTokens accessTokens,
      Policy fallback) {
    this.apps = apps;
    this.users = users;
    this.sessions = sessions;
    this.devices = devices;
    this.accessTokens = accessTokens;
    this.defaultAccess = Access.fallback(fallback);
  }

  /**
   * What to read from the database before deciding, when {@code credentials} carry a session cookie
   * or device token memory does not know but the database may (a sign-in or pairing on another
   * node, not heard of yet) and a lookup is worth it; else null. Hot path: no I/O; the returned
   * task blocks and must run off the event loop.
   */
  @Nullable Runnable lookupFor(Credentials credentials) {
    String session = credentials.session();
    // worthLookingUp answers false at once on one node, and for a cookie memory knows as live.
    if (session != null && sessions.worthLookingUp(session)) {
      return () -> sessions.lookUp(session);
    }
    String device = credentials.device() != null ? credentials.device() : credentials.bearer();
    if (session == null && device != null && devices.worthLookingUp(device)) {
      return () -> devices.lookUp(device);
    }
    return null;
  }

  Decision decide(Target target, Credentials credentials) {
    ProtectedApp app = app(target);
    Access access = access(app, target);
    if (access.policy() == Policy.DENY) {
      // Nobody gets in: the credentials need not be resolved.
      return Decision.DENY;
    }
    return judge(access, identify(credentials, app));
  }

  /** The app serving the target's host, or null. */
  @Nullable ProtectedApp app(Target target) {
    return apps.find(target.host());
  }

  /** What {@code app}'s first matching rule requires of the target; the default without an app. */
  Access access(@Nullable ProtectedApp app, Target target) {
    return app == null
        ? defaultAccess
        : app.access(target.method(), target.path(), target.client());
  }

  /**
   * Whether {@code who} (null: nobody, or credentials that name no enabled user) may have what
   * {@code access} guards. The console's trials call this too, so that what an admin tries is what
   * the proxy gets.
   */
  Decision judge(Access access, @Nullable Identified who) {
    Principal principal = who == null ? null : who.principal();
    return switch (access.policy()) {
      case PUBLIC -> new Decision.Allow(principal);
      case AUTHENTICATED -> principal == null ? Decision.SIGN_IN : new Decision.Allow(principal);
      case GROUPS -> {
        if (principal == null) {
          yield Decision.SIGN_IN;
        }
        yield principal.inAny(access.groups()) ? new Decision.Allow(principal) : Decision.DENY;
      }
      case TWO_FACTOR -> {
        if (who == null) {
          yield Decision.SIGN_IN;
        }
        // Membership first: a second factor would not help someone outside the groups.
        if (!access.groups().isEmpty() && !who.principal().inAny(access.groups())) {
          yield Decision.DENY;
        }
        yield who.twoFactor() ? new Decision.Allow(who.principal()) : Decision.STEP_UP;
      }
      case DENY -> Decision.DENY;
    };
  }

  /** An enabled user, and whether the credential that named them proved two factors. */
  record Identified(Principal principal, boolean twoFactor) {}

  /**
   * The enabled user behind the credentials, trying the session, then a bearer that looks like a
   * JWT as an access token issued here (only where {@code app} accepts tokens of that client and
   * scope), then the device token.
   */
  private @Nullable Identified identify(Credentials credentials, @Nullable ProtectedApp app) {
    if (credentials.session() != null) {
      ActiveSession session = sessions.resolve(credentials.session());
      if (session != null) {
        return enabled(session.userId(), session.multiFactor());
      }
    }
    String bearer = credentials.bearer();
    if (bearer != null && bearer.chars().filter(c -> c == '.').count() == 2) {
      if (app == null) {
        return null;
      }
      return accessTokens
          .verify(bearer)
          .filter(token -> app.acceptsBearer(token.clientId(), token.scopes()))
          .flatMap(token -> token.userId().map(user -> enabled(user, token.multiFactor())))
          .orElse(null);
    }
    String deviceToken = credentials.device() != null ? credentials.device() : credentials.bearer();
    if (deviceToken != null) {
      Device device = devices.resolve(deviceToken);
      if (device != null) {
        return enabled(device.userId(), device.twoFactor());
      }
    }
    return null;
  }

  private @Nullable Identified enabled(String userId, boolean twoFactor) {
    Principal principal = users.get(userId);
    return principal == null || principal.disabled() ? null : new Identified(principal, twoFactor);
  }
}
