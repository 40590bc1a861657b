package dev.gatehouse.login;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.Amr;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.ErrorResponses;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.HtmlPage;
import dev.gatehouse.web.Http;
import dev.gatehouse.web.Routing;
import dev.gatehouse.web.StaticFile;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Second factors at sign-in: the page that asks for one (after the password for members of groups
 * that require it, or as a step-up where a {@code two_factor} rule or a client asks for it), the
 * enrolment of a first factor, and the passwordless sign-in with a passkey. Every check is
 * throttled: codes and keys per account, passwordless attempts per client address. Works without
 * JavaScript except where WebAuthn itself needs it ({@code /static/webauthn.js}).
 */
final class SecondFactorRoutes {
  private static final String SCRIPT_PATH = "/static/webauthn.js";

  private final Factors factors;
  private final SignIns signIns;
  private final UserDirectory directory;
  private final Csrf csrf;
  private final RedirectTargets redirects;
  private final PortalAudit audit;
  private final ClientIps clientIps;
  private final Throttle perAccount;
  private final Throttle passwordless;
  private final Pages pages;

  SecondFactorRoutes(
      Factors factors,
      SignIns signIns,
      UserDirectory directory,
      Csrf csrf,
      RedirectTargets redirects,
      PortalAudit audit,
      ClientIps clientIps,
      Throttles throttles,
      Pages pages) {
    this.factors = factors;
    this.signIns = signIns;
    this.directory = directory;
    this.csrf = csrf;
    this.redirects = redirects;
    this.audit = audit;
    this.clientIps = clientIps;
    this.perAccount = throttles.perAccount("second_factor");
    this.passwordless = throttles.perAddress("passkey");
    this.pages = pages;
  }

  void register(Routing routing) {
    StaticFile.of(SCRIPT_PATH, "/dev/gatehouse/mfa/webauthn.js", "text/javascript; charset=utf-8")
        .register(routing);
    routing
        .pages()
        .get("/login/verify", this::verifyPage)
        .post("/login/verify", this::verifyCode)
        .post("/login/verify/passkey", this::verifyPasskey)
        .post("/login/passkey", this::passwordless)
        .get("/login/enrol", this::enrolPage)
        .post("/login/enrol/totp", this::enrolTotp)
        .post("/login/enrol/passkey", this::enrolPasskey);
  }

  // ---- proving a second factor ----

  private void verifyPage(RoutingContext ctx) {
    String rd = redirects.vet(Http.query(ctx, "rd", ""));
    SignIns.Verifier who = signIns.verifier(ctx);
    if (who == null) {
      Http.redirect(ctx, "/login" + query(rd));
      return;
    }
    Factors.Summary enrolled = factors.of(who.principal().id());
    if (!enrolled.any() && enrolled.recoveryCodes() == 0) {
      Http.redirect(ctx, "/login/enrol" + query(rd));
      return;
    }
    renderVerify(ctx, 200, who, enrolled, rd, "");
  }

  /** A TOTP code or a recovery code ({@code method} says which). */
  private void verifyCode(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    SignIns.Verifier who = checked(ctx, form, rd);
    if (who == null) {
      return;
    }
    String userId = who.principal().id();
    String refused = throttled(ctx, who);
    if (refused != null) {
      renderVerify(ctx, 429, who, factors.of(userId), rd, refused);
      return;
    }
    String code = form.get("code");
    boolean recovery = "recovery".equals(form.get("method"));
    boolean right =
        code.length() <= 64
            && (recovery
                ? factors.useRecoveryCode(userId, code)
                : factors.verifyTotp(userId, code));
    if (!right) {
      perAccount.fail(userId);
      audit.secondFactorFailed(ctx, who.principal(), recovery ? "recovery_code" : "totp");
      renderVerify(
          ctx,
          401,
          who,
          factors.of(userId),
          rd,
          recovery ? "That recovery code is not valid." : "That code is not right.");
      return;
    }
    perAccount.forgive(userId);
    if (recovery) {
      audit.recoveryCodeUsed(ctx, who.principal(), factors.of(userId).recoveryCodes());
    }
    signIns.complete(ctx, who.principal(), who.amr().with(Amr.of(Amr.Method.OTP)), rd, List.of());
  }

  private void verifyPasskey(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    SignIns.Verifier who = checked(ctx, form, rd);
    if (who == null) {
      return;
    }
    // Not throttled: a signature cannot be guessed, so a failed one proves nothing to count, and
    // someone holding only the password must not be able to lock the owner's key out by typing
    // wrong codes.
    String userId = who.principal().id();
    Amr proved;
    try {
      proved = factors.verifyPasskey(userId, form.get("credential"));
    } catch (Failure.Invalid e) {
      audit.secondFactorFailed(ctx, who.principal(), "passkey");
      renderVerify(ctx, 401, who, factors.of(userId), rd, String.valueOf(e.getMessage()));
      return;
    }
    signIns.complete(ctx, who.principal(), who.amr().with(proved), rd, List.of());
  }

  /** "Sign in with a passkey" and the username field's autofill: no password at all. */
  private void passwordless(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      signIns.loginPage(ctx, 403, rd, "", "Your form expired; please try again.");
      return;
    }
    String address = clientIps.of(ctx);
    Duration wait = passwordless.begin(address);
    if (wait.isPositive()) {
      String seconds = ErrorResponses.retryAfter(wait);
      ctx.response().putHeader("Retry-After", seconds);
      signIns.loginPage(
          ctx, 429, rd, "", "Too many failed sign-ins. Try again in " + seconds + " seconds.");
      return;
    }
    Factors.PasskeySignIn signedIn;
    try {
      signedIn = factors.signInWithPasskey(form.get("credential"));
    } catch (Failure.Invalid e) {
      passwordless.fail(address);
      audit.passkeyFailed(ctx, String.valueOf(e.getMessage()));
      signIns.loginPage(ctx, 401, rd, "", String.valueOf(e.getMessage()));
      return;
    }
    Principal principal = directory.get(signedIn.userId());
    if (principal == null || principal.disabled()) {
      passwordless.fail(address);
      audit.passkeyFailed(ctx, "the passkey's user is disabled or gone");
      signIns.loginPage(ctx, 401, rd, "", "This passkey cannot sign in.");
      return;
    }
    passwordless.pass(address);
    signIns.complete(ctx, principal, signedIn.amr(), rd, List.of());
  }

  // ---- setting up a first factor ----

  /**
   * Enrolment for someone who may: a pending sign-in or a session of a user with no second factor
   * yet, or a session that already proved two. Anyone else proves a second factor first.
   */
  private void enrolPage(RoutingContext ctx) {
    String rd = redirects.vet(Http.query(ctx, "rd", ""));
    SignIns.Verifier who = signIns.verifier(ctx);
    if (who == null) {
      Http.redirect(ctx, "/login" + query(rd));
      return;
    }
    if (!mayEnrol(ctx, who, rd)) {
      return;
    }
    renderEnrol(ctx, 200, who, rd, "");
  }

  private void enrolTotp(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    SignIns.Verifier who = checked(ctx, form, rd);
    if (who == null || !mayEnrol(ctx, who, rd)) {
      return;
    }
    String refused = throttled(ctx, who);
    if (refused != null) {
      renderEnrol(ctx, 429, who, rd, refused);
      return;
    }
    List<String> codes;
    try {
      codes = factors.confirmTotp(who.principal().id(), form.get("sealed"), form.get("code"));
    } catch (Failure.Invalid e) {
      perAccount.fail(who.principal().id());
      renderEnrol(ctx, 400, who, rd, String.valueOf(e.getMessage()));
      return;
    }
    perAccount.forgive(who.principal().id());
    audit.secondFactorAdded(ctx, who.principal(), "totp");
    signIns.complete(ctx, who.principal(), who.amr().with(Amr.of(Amr.Method.OTP)), rd, codes);
  }

  private void enrolPasskey(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    SignIns.Verifier who = checked(ctx, form, rd);
    if (who == null || !mayEnrol(ctx, who, rd)) {
      return;
    }
    Factors.AddedPasskey added;
    try {
      added = factors.addPasskey(who.principal().id(), form.get("name"), form.get("credential"));
    } catch (Failure.Invalid | Failure.Conflict e) {
      renderEnrol(ctx, 400, who, rd, String.valueOf(e.getMessage()));
      return;
    }
    audit.secondFactorAdded(ctx, who.principal(), "passkey");
    // Registering proved the key is in hand (and the user, when the key verified them): the
    // session counts it as a passkey sign-in would.
    signIns.complete(ctx, who.principal(), who.amr().with(added.amr()), rd, added.recoveryCodes());
  }

  /**
   * Someone who already has a second factor adds another only after proving one: a stolen password
   * must not be a way to plant a key.
   */
  private boolean mayEnrol(RoutingContext ctx, SignIns.Verifier who, String rd) {
    if (who.amr().multiFactor() || !factors.of(who.principal().id()).any()) {
      return true;
    }
    Http.redirect(ctx, "/login/verify" + query(rd.isEmpty() ? "/login/enrol" : rd));
    return false;
  }

  // ---- shared ----

  /** The verifier behind a form that passed its CSRF check, or null with the answer sent. */
  private SignIns.@Nullable Verifier checked(RoutingContext ctx, Form form, String rd) {
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      throw new Failure.Forbidden("the form expired; reload the page");
    }
    SignIns.Verifier who = signIns.verifier(ctx);
    if (who == null) {
      Http.redirect(ctx, "/login" + query(rd));
    }
    return who;
  }

  /**
   * Null when {@code who} may try a second factor now; else the message to show, with Retry-After
   * set and the refusal audited.
   */
  private @Nullable String throttled(RoutingContext ctx, SignIns.Verifier who) {
    Duration wait = perAccount.begin(who.principal().id());
    if (!wait.isPositive()) {
      return null;
    }
    String seconds = ErrorResponses.retryAfter(wait);
    ctx.response().putHeader("Retry-After", seconds);
    audit.secondFactorThrottled(ctx, who.principal());
    return "Too many wrong codes. Try again in " + seconds + " seconds.";
  }

  private void renderVerify(
      RoutingContext ctx,
      int status,
      SignIns.Verifier who,
      Factors.Summary enrolled,
      String rd,
      String error) {
    Map<String, Object> params = new HashMap<>();
    params.put(Csrf.FIELD, csrf.token(ctx));
    params.put("rd", rd);
    params.put("error", error);
    params.put("username", who.principal().username());
    params.put("stepUp", !who.pending());
    params.put("totp", enrolled.totp());
    params.put("recoveryCodes", enrolled.recoveryCodes());
    params.put(
        "passkeyOptions",
        enrolled.passkeys().isEmpty() ? "" : factors.secondFactorOptions(who.principal().id()));
    pages.render(ctx, status, "verify", params, csp(rd));
  }

  private void renderEnrol(
      RoutingContext ctx, int status, SignIns.Verifier who, String rd, String error) {
    Principal principal = who.principal();
    Map<String, Object> params = new HashMap<>();
    params.put(Csrf.FIELD, csrf.token(ctx));
    params.put("rd", rd);
    params.put("error", error);
    params.put("required", who.pending());
    params.put("totp", factors.offerTotp(principal.id(), principal.username()));
    params.put(
        "passkeyOptions",
        factors.registrationOptions(
            principal.id(),
            principal.username(),
            Objects.requireNonNullElse(principal.displayName(), principal.username())));
    pages.render(ctx, status, "enrol", params, csp(rd));
  }

  static String csp(String rd) {
    return HtmlPage.csp(RedirectTargets.formTargets(rd), true);
  }

  private static String query(String rd) {
    return rd.isEmpty() ? "" : "?rd=" + SignIns.encode(rd);
  }
}
