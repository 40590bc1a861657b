package dev.gatehouse.login;

import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.ClientIps;
import io.vertx.ext.web.RoutingContext;
import org.jspecify.annotations.Nullable;

/**
 * The portal's audit events (sign-ins, logouts, revocations), each one call from its handler.
 * Recording never waits for the writer ({@link Audit#record}), so a sign-in or a refused one
 * answers as fast as before.
 */
final class PortalAudit {
  private final Audit audit;
  private final UserDirectory directory;
  private final ClientIps clientIps;

  PortalAudit(Audit audit, UserDirectory directory, ClientIps clientIps) {
    this.clientIps = clientIps;
    this.audit = audit;
    this.directory = directory;
  }

  void signedIn(RoutingContext ctx, User user) {
    audit.record(
        from(ctx, AuditKind.SIGN_IN, Actor.user(user.id(), user.username()))
            .subject(user.id(), user.username()));
  }

  /**
   * A refused sign-in, with why: {@code unknown_user}, {@code disabled} or {@code wrong_password}
   * (in the log only; the answer is the same for all three).
   */
  void failed(RoutingContext ctx, String username) {
    Principal known = username.isEmpty() ? null : directory.byUsername(username);
    String reason =
        known == null ? "unknown_user" : known.disabled() ? "disabled" : "wrong_password";
    audit.record(
        from(ctx, AuditKind.SIGN_IN_FAILED, Actor.ANONYMOUS)
            .subject(known == null ? null : known.id(), username.isEmpty() ? null : username)
            .reason(reason));
  }

  /** A sign-in refused before its password was checked, for too many failures. */
  void throttled(RoutingContext ctx, String username) {
    Principal known = directory.byUsername(username);
    audit.record(
        from(ctx, AuditKind.THROTTLED, Actor.ANONYMOUS)
            .subject(known == null ? null : known.id(), username)
            .reason("sign_in"));
  }

  /** The signed-in user changed their own password; their other credentials ended with it. */
  void passwordChanged(RoutingContext ctx, ActiveSession session) {
    audit.record(
        bySessionUser(ctx, AuditKind.PASSWORD_CHANGED, session)
            .reason("changed on the account page"));
  }

  void loggedOut(RoutingContext ctx, @Nullable ActiveSession session) {
    if (session != null) {
      audit.record(bySessionUser(ctx, AuditKind.LOGOUT, session).object("session", session.id()));
    }
  }

  void sessionRevoked(RoutingContext ctx, ActiveSession current, String sessionId) {
    audit.record(
        bySessionUser(ctx, AuditKind.SESSION_REVOKED, current)
            .object("session", sessionId)
            .reason("revoked on the account page"));
  }

  void deviceRevoked(RoutingContext ctx, ActiveSession current, String deviceId) {
    audit.record(
        bySessionUser(ctx, AuditKind.DEVICE_REVOKED, current)
            .object("device", deviceId)
            .reason("revoked on the account page"));
  }

  /** An event the signed-in user caused about themselves. */
  private AuditEntry bySessionUser(RoutingContext ctx, AuditKind kind, ActiveSession session) {
    Principal principal = directory.get(session.userId());
    String username = principal == null ? null : principal.username();
    return from(ctx, kind, Actor.user(session.userId(), username))
        .subject(session.userId(), username);
  }

  private AuditEntry from(RoutingContext ctx, AuditKind kind, Actor actor) {
    return AuditEntry.of(kind, actor)
        .from(clientIps.of(ctx), ctx.request().getHeader("User-Agent"));
  }
}
