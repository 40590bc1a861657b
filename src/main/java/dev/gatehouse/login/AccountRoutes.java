package dev.gatehouse.login;

import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.config.Config;
import dev.gatehouse.device.Devices;
import dev.gatehouse.device.PairingCode;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserPatch;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The account page: the profile (display name, and email when {@code [account]
 * allow_email_change}), sessions, paired devices and connected apps (each revocable), the password,
 * and second factors (set up, remove, new recovery codes). A user who has a second factor changes
 * their password, email or factors only from a session that proved one: a stolen password alone can
 * neither lock the owner out, nor redirect their mail, nor plant or remove a key.
 */
final class AccountRoutes {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Users users;
  private final Sessions sessions;
  private final SignedInUsers signedInUsers;
  private final Devices devices;
  private final Factors factors;
  private final Grants grants;
  private final ClientDirectory clients;
  private final boolean allowEmailChange;
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
      Grants grants,
      ClientDirectory clients,
      Config.Account config,
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
    this.grants = grants;
    this.clients = clients;
    this.allowEmailChange = config.allowEmailChange();
    this.csrf = csrf;
    this.publicUrl = publicUrl;
    this.audit = audit;
    this.passwordChanges = throttles.perAccount("password_change");
    this.pages = pages;
  }

  void register(Routing routing) {
    routing
        .pages()
        .get("/account", ctx -> render(ctx, 200, Shown.NOTHING))
        .post("/account/profile", this::changeProfile)
        .post("/account/apps/:client_id/revoke", this::revokeApp)
        .post("/account/sessions/:id/revoke", this::revokeSession)
        .post("/account/devices/:id/revoke", this::revokeDevice)
        .post("/account/devices/pair", this::startPairing)
        .post("/account/password", this::changePassword)
        .post("/account/totp/remove", this::removeTotp)
        .post("/account/passkeys/:id/remove", this::removePasskey)
        .post("/account/recovery-codes", this::newRecoveryCodes);
  }

  /**
   * What one answer shows beyond the account's state: a pairing code or recovery codes just made,
   * or the fields a form was refused for (message by field) with what was sent in them.
   */
  private record Shown(
      @Nullable PairingCode pairing,
      List<String> recoveryCodes,
      Map<String, String> errors,
      Map<String, String> sent) {
    static final Shown NOTHING = new Shown(null, List.of(), Map.of(), Map.of());

    /** {@code failure} next to its field, or next to {@code field} when it names none. */
    static Shown refused(Failure failure, String field, Map<String, String> sent) {
      return new Shown(
          null,
          List.of(),
          Map.of(
              Objects.requireNonNullElse(failure.field(), field),
              String.valueOf(failure.getMessage())),
          sent);
    }
  }

  private void render(RoutingContext ctx, int status, Shown shown) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      Http.redirect(ctx, "/login?rd=" + URLEncoder.encode("/account", StandardCharsets.UTF_8));
      return;
    }
    ActiveSession current = signedIn.session();
    Principal principal = signedIn.principal();
    PairingCode pairing = shown.pairing();
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
    List<AccountView.AppRow> apps =
        grants.consents(principal.id()).stream()
            .map(
                c -> {
                  Client client = clients.get(c.clientId());
                  return new AccountView.AppRow(
                      c.clientId(),
                      client == null ? c.clientId() + " (no longer registered)" : client.name(),
                      String.join(", ", c.scopes()),
                      WHEN.format(c.grantedAt()));
                })
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
            principal.inAny(java.util.Set.of("admins")),
            csrf.token(ctx),
            shown
                .sent()
                .getOrDefault(
                    "display_name", Objects.requireNonNullElse(principal.displayName(), "")),
            shown.sent().getOrDefault("email", Objects.requireNonNullElse(principal.email(), "")),
            allowEmailChange,
            shown.errors(),
            sessionRows,
            deviceRows,
            apps,
            pairing == null ? null : pairing.code(),
            pairing == null ? null : pairing.name(),
            pairing == null
                ? null
                : publicUrl
                    + "/pair?code="
                    + URLEncoder.encode(pairing.code(), StandardCharsets.UTF_8),
            current.multiFactor(),
            enrolled.totp(),
            enrolled.totpLastUsed() == null ? "never" : seen(enrolled.totpLastUsed()),
            passkeys,
            enrolled.recoveryCodes(),
            shown.recoveryCodes(),
            enrolled.any() && !current.multiFactor()
                ? ""
                : factors.registrationOptions(
                    principal.id(),
                    principal.username(),
                    Objects.requireNonNullElse(principal.displayName(), principal.username())));
    pages.render(ctx, status, "account", Map.of("view", view), SecondFactorRoutes.csp("/account"));
  }

  /**
   * The display name (empty clears it: pages then show the username) and, when allowed, the email
   * (empty clears it). Through {@link Users#update}, so the admin API's checks apply: a taken email
   * is refused next to the field. A new email needs a two-factor session from a user who has a
   * second factor, since it may be where a password reset or an app's account recovery goes.
   */
  private void changeProfile(RoutingContext ctx) {
    Form form = Form.read(ctx);
    SignedInUsers.SignedIn signedIn = requireSession(ctx, form);
    Principal me = signedIn.principal();
    String displayName = form.get("display_name").strip();
    String email = form.get("email").strip();
    Map<String, String> sent =
        form.fields().containsKey("email")
            ? Map.of("display_name", displayName, "email", email)
            : Map.of("display_name", displayName);
    boolean nameChanges = !displayName.equals(Objects.requireNonNullElse(me.displayName(), ""));
    boolean emailChanges =
        form.fields().containsKey("email")
            && !email.equals(Objects.requireNonNullElse(me.email(), ""));
    if (emailChanges && !allowEmailChange) {
      render(
          ctx,
          400,
          Shown.refused(
              new Failure.Invalid("email", "Only an administrator can change your email address."),
              "email",
              Map.of("display_name", displayName)));
      return;
    }
    if (emailChanges && needsStepUp(ctx, signedIn.session())) {
      return;
    }
    if (!nameChanges && !emailChanges) {
      Http.redirect(ctx, "/account");
      return;
    }
    Set<String> cleared = new HashSet<>();
    if (nameChanges && displayName.isEmpty()) {
      cleared.add("display_name");
    }
    if (emailChanges && email.isEmpty()) {
      cleared.add("email");
    }
    try {
      users.update(
          me.id(),
          new UserPatch(
              emailChanges && !email.isEmpty() ? email : null,
              nameChanges && !displayName.isEmpty() ? displayName : null,
              null,
              null),
          cleared);
    } catch (Failure.Invalid | Failure.Conflict e) {
      render(ctx, 400, Shown.refused(e, "display_name", sent));
      return;
    }
    List<String> changed = new ArrayList<>();
    if (nameChanges) {
      changed.add("display_name");
    }
    if (emailChanges) {
      changed.add("email");
    }
    audit.profileChanged(ctx, me, changed);
    Http.redirect(ctx, "/account");
  }

  /** Forgets a connected app: it asks again next time, and what it holds from this user ends. */
  private void revokeApp(RoutingContext ctx) {
    SignedInUsers.SignedIn signedIn = requireSession(ctx, Form.read(ctx));
    String clientId = ctx.pathParam("client_id");
    if (grants.revokeConsent(signedIn.principal().id(), clientId)) {
      audit.consentRevoked(ctx, signedIn.principal(), clientId);
    }
    Http.redirect(ctx, "/account");
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
        new Shown(
            devices.startPairing(current.userId(), form.get("name"), current.multiFactor()),
            List.of(),
            Map.of(),
            Map.of()));
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
          new Shown(
              null,
              List.of(),
              Map.of(
                  "current_password",
                  "Too many wrong passwords. Try again in " + seconds + " seconds."),
              Map.of()));
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
      render(ctx, 400, Shown.refused(e, "new_password", Map.of()));
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
    render(ctx, 200, new Shown(null, codes, Map.of(), Map.of()));
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
