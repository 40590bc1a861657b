package dev.gatehouse.login;

import dev.gatehouse.device.Devices;
import dev.gatehouse.device.PairingCode;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.ErrorResponses;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.Http;
import dev.gatehouse.web.Routing;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The account page: sessions and paired devices (each revocable), the password, and second factors
 * (set up, remove, new recovery codes). A user who has a second factor changes their password or
 * factors only from a session that proved one: a stolen password alone can neither lock the owner
 * out nor plant or remove a key.
 */
final class AccountRoutes {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Users users;
  private final Sessions sessions;
  private final SignedInUsers signedInUsers;
  private final Devices devices;
  private final Factors factors;
  private final Csrf csrf;
  private final URI publicUrl;
  private final PortalAudit audit;
  private final Throttle passwordChanges;
  private final Pages pages;

  AccountRoutes(
      Users users,
      Sessions sessions,
      SignedInUsers signedInUsers,
      Devices devices,
      Factors factors,
      Csrf csrf,
      URI publicUrl,
      PortalAudit audit,
      Throttles throttles,
      Pages pages) {
    this.users = users;
    this.sessions = sessions;
    this.signedInUsers = signedInUsers;
    this.devices = devices;
    this.factors = factors;
    this.csrf = csrf;
    this.publicUrl = publicUrl;
    this.audit = audit;
    this.passwordChanges = throttles.perAccount("password_change");
    this.pages = pages;
  }

  void register(Routing routing) {
    routing
        .pages()
        .get("/account", ctx -> render(ctx, 200, null, "", List.of()))
        .post("/account/sessions/:id/revoke", this::revokeSession)
        .post("/account/devices/:id/revoke", this::revokeDevice)
        .post("/account/devices/pair", this::startPairing)
        .post("/account/password", this::changePassword)
        .post("/account/totp/remove", this::removeTotp)
        .post("/account/passkeys/:id/remove", this::removePasskey)
        .post("/account/recovery-codes", this::newRecoveryCodes);
  }

  private void render(
      RoutingContext ctx,
      int status,
      @Nullable PairingCode pairing,
      String passwordError,
      List<String> recoveryCodes) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      Http.redirect(ctx, "/login?rd=" + URLEncoder.encode("/account", StandardCharsets.UTF_8));
      return;
    }
    ActiveSession current = signedIn.session();
    Principal principal = signedIn.principal();
    List<AccountView.SessionRow> sessionRows =
        sessions.of(principal.id()).stream()
            .map(
                s ->
                    new AccountView.SessionRow(
                        s.id(),
                        s.userAgent() == null ? "unknown browser" : s.userAgent(),
                        s.ip() == null ? "unknown address" : s.ip(),
                        WHEN.format(s.lastSeen()),
                        s.id().equals(current.id()),
                        s.multiFactor()))
            .toList();
    List<AccountView.DeviceRow> deviceRows =
        devices.of(principal.id()).stream()
            .map(
                d ->
                    new AccountView.DeviceRow(
                        d.id(), d.name(), WHEN.format(d.createdAt()), seen(d.lastSeen())))
            .toList();
    Factors.Summary enrolled = factors.of(principal.id());
    List<AccountView.PasskeyRow> passkeys =
        enrolled.passkeys().stream()
            .map(
                p ->
                    new AccountView.PasskeyRow(
                        p.id(),
                        p.name(),
                        WHEN.format(p.createdAt()),
                        seen(p.lastUsed()),
                        p.synced()))
            .toList();
    AccountView view =
        new AccountView(
            principal.username(),
            Objects.requireNonNullElse(principal.displayName(), principal.username()),
            principal.groupsHeader().replace(",", ", "),
            csrf.token(ctx),
            sessionRows,
            deviceRows,
            pairing == null ? null : pairing.code(),
            pairing == null ? null : pairing.name(),
            pairing == null
                ? null
                : publicUrl
                    + "/pair?code="
                    + URLEncoder.encode(pairing.code(), StandardCharsets.UTF_8),
            passwordError,
            current.multiFactor(),
            enrolled.totp(),
            enrolled.totpLastUsed() == null ? "never" : seen(enrolled.totpLastUsed()),
            passkeys,
            enrolled.recoveryCodes(),
            recoveryCodes,
            enrolled.any() && !current.multiFactor()
                ? ""
                : factors.registrationOptions(
                    principal.id(),
                    principal.username(),
                    Objects.requireNonNullElse(principal.displayName(), principal.username())));
    pages.render(ctx, status, "account", Map.of("view", view), SecondFactorRoutes.csp("/account"));
  }

  private void revokeSession(RoutingContext ctx) {
    ActiveSession current = requireSession(ctx, Form.read(ctx)).session();
    if (sessions.revoke(current.userId(), ctx.pathParam("id"))) {
      audit.sessionRevoked(ctx, current, ctx.pathParam("id"));
    }
    Http.redirect(ctx, "/account");
  }

  private void revokeDevice(RoutingContext ctx) {
    ActiveSession current = requireSession(ctx, Form.read(ctx)).session();
    devices.revoke(current.userId(), ctx.pathParam("id"));
    audit.deviceRevoked(ctx, current, ctx.pathParam("id"));
    Http.redirect(ctx, "/account");
  }

  /** A device paired from a two-factor session passes two_factor rules, as the session would. */
  private void startPairing(RoutingContext ctx) {
    Form form = Form.read(ctx);
    ActiveSession current = requireSession(ctx, form).session();
    render(
        ctx,
        200,
        devices.startPairing(current.userId(), form.get("name"), current.multiFactor()),
        "",
        List.of());
  }

  /**
   * The user's own password change: the current password is required, and every other session,
   * paired device and OAuth grant of theirs ends; this session stays. Its check of the current
   * password is throttled per account like a sign-in: a stolen session must not become a way to
   * guess the password it lacks.
   */
  private void changePassword(RoutingContext ctx) {
    Form form = Form.read(ctx);
    ActiveSession current = requireSession(ctx, form).session();
    if (needsStepUp(ctx, current)) {
      return;
    }
    Duration wait = passwordChanges.begin(current.userId());
    if (wait.isPositive()) {
      String seconds = ErrorResponses.retryAfter(wait);
      ctx.response().putHeader("Retry-After", seconds);
      render(
          ctx,
          429,
          null,
          "Too many wrong passwords. Try again in " + seconds + " seconds.",
          List.of());
      return;
    }
    try {
      users.changePassword(
          current.userId(), form.get("current_password"), form.get("new_password"), current.id());
    } catch (Failure.Invalid | Failure.Conflict e) {
      if (e instanceof Failure.Invalid && "current_password".equals(e.field())) {
        passwordChanges.fail(current.userId());
      } else {
        passwordChanges.pass(current.userId());
      }
      render(ctx, 400, null, String.valueOf(e.getMessage()), List.of());
      return;
    } catch (RuntimeException e) {
      passwordChanges.pass(current.userId());
      throw e;
    }
    passwordChanges.forgive(current.userId());
    audit.passwordChanged(ctx, current);
    Http.redirect(ctx, "/account");
  }

  private void removeTotp(RoutingContext ctx) {
    SignedInUsers.SignedIn signedIn = requireSession(ctx, Form.read(ctx));
    if (needsStepUp(ctx, signedIn.session())) {
      return;
    }
    if (factors.removeTotp(signedIn.principal().id())) {
      audit.secondFactorRemoved(ctx, signedIn.principal(), "totp");
    }
    Http.redirect(ctx, "/account");
  }

  private void removePasskey(RoutingContext ctx) {
    SignedInUsers.SignedIn signedIn = requireSession(ctx, Form.read(ctx));
    if (needsStepUp(ctx, signedIn.session())) {
      return;
    }
    if (factors.removePasskey(signedIn.principal().id(), ctx.pathParam("id"))) {
      audit.secondFactorRemoved(ctx, signedIn.principal(), "passkey " + ctx.pathParam("id"));
    }
    Http.redirect(ctx, "/account");
  }

  private void newRecoveryCodes(RoutingContext ctx) {
    SignedInUsers.SignedIn signedIn = requireSession(ctx, Form.read(ctx));
    if (needsStepUp(ctx, signedIn.session())) {
      return;
    }
    List<String> codes = factors.regenerateRecoveryCodes(signedIn.principal().id());
    audit.recoveryCodesGenerated(ctx, signedIn.principal());
    render(ctx, 200, null, "", codes);
  }

  /**
   * Sends a one-factor session of a user who has a second factor to prove it first, and back to the
   * account page; true when it did.
   */
  private boolean needsStepUp(RoutingContext ctx, ActiveSession current) {
    if (current.multiFactor() || !factors.of(current.userId()).any()) {
      return false;
    }
    Http.redirect(ctx, "/login/verify?rd=" + URLEncoder.encode("/account", StandardCharsets.UTF_8));
    return true;
  }

  private SignedInUsers.SignedIn requireSession(RoutingContext ctx, Form form) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      throw new Failure.Unauthenticated("sign in first");
    }
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      throw new Failure.Forbidden("the form expired; reload the page");
    }
    return signedIn;
  }

  private static String seen(@Nullable Instant at) {
    return at == null ? "never" : WHEN.format(at);
  }
}
