package dev.gatehouse.login;

import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditKind;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Amr;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.ClientIps;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
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

  /** A session started, with how it was proved ({@code details.amr}). */
  void signedIn(RoutingContext ctx, Principal user, Amr amr) {
    audit.record(
        from(ctx, AuditKind.SIGN_IN, Actor.user(user.id(), user.username()))
            .subject(user.id(), user.username())
            .details(Map.of("amr", amr.claim())));
  }

  void secondFactorAdded(RoutingContext ctx, Principal user, String factor) {
    audit.record(byUser(ctx, AuditKind.SECOND_FACTOR_ADDED, user).object("factor", factor));
  }

  void secondFactorRemoved(RoutingContext ctx, Principal user, String factor) {
    audit.record(
        byUser(ctx, AuditKind.SECOND_FACTOR_REMOVED, user)
            .object("factor", factor)
            .reason("removed on the account page"));
  }

  /** A wrong second factor; {@code factor} is {@code totp}, {@code recovery_code} or passkey. */
  void secondFactorFailed(RoutingContext ctx, Principal user, String factor) {
    audit.record(
        from(ctx, AuditKind.SECOND_FACTOR_FAILED, Actor.ANONYMOUS)
            .subject(user.id(), user.username())
            .reason(factor));
  }

  void secondFactorThrottled(RoutingContext ctx, Principal user) {
    audit.record(
        from(ctx, AuditKind.THROTTLED, Actor.ANONYMOUS)
            .subject(user.id(), user.username())
            .reason("second_factor"));
  }

  /** A passwordless sign-in refused: the key is unknown, so there is no user to name. */
  void passkeyFailed(RoutingContext ctx, String why) {
    audit.record(from(ctx, AuditKind.SIGN_IN_FAILED, Actor.ANONYMOUS).reason("passkey: " + why));
  }

  void recoveryCodeUsed(RoutingContext ctx, Principal user, int left) {
    audit.record(byUser(ctx, AuditKind.RECOVERY_CODE_USED, user).details(Map.of("left", left)));
  }

  void recoveryCodesGenerated(RoutingContext ctx, Principal user) {
    audit.record(byUser(ctx, AuditKind.RECOVERY_CODES_GENERATED, user));
  }

  private AuditEntry byUser(RoutingContext ctx, AuditKind kind, Principal user) {
    return from(ctx, kind, Actor.user(user.id(), user.username()))
        .subject(user.id(), user.username());
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

  /** The user changed {@code fields} of their profile (their names, never the values). */
  void profileChanged(RoutingContext ctx, Principal user, List<String> fields) {
    audit.record(
        byUser(ctx, AuditKind.PROFILE_CHANGED, user)
            .details(Map.of("changed", fields))
            .reason("changed on the account page"));
  }

  /** The user forgot their consent to {@code clientId}; its grants from them ended with it. */
  void consentRevoked(RoutingContext ctx, Principal user, String clientId) {
    audit.record(
        byUser(ctx, AuditKind.CONSENT_REVOKED, user)
            .object("client", clientId)
            .reason("revoked on the account page"));
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
