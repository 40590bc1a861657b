package dev.gatehouse.login;

import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Amr;
import dev.gatehouse.session.SessionPolicy;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.Http;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a sign-in ends, whichever way it was proved (password, password and a second factor, a
 * passkey, a step-up): a new session with what was proved, replacing the browser's previous one in
 * the same unit of work; or, when the user must show a second factor first, a pending sign-in that
 * leads to it. Also says who is in the middle of proving a second factor.
 */
final class SignIns {
  /** Who is proving a second factor: a pending sign-in, or a signed-in session stepping up. */
  record Verifier(Principal principal, Amr amr, boolean pending) {}

  private final Sessions sessions;
  private final SignedInUsers signedInUsers;
  private final UserDirectory directory;
  private final Factors factors;
  private final PendingSignIns pending;
  private final Cookies cookies;
  private final SessionPolicy policy;
  private final ClientIps clientIps;
  private final PortalAudit audit;
  private final Pages pages;
  private final Csrf csrf;

  SignIns(
      Sessions sessions,
      UserDirectory directory,
      Factors factors,
      PendingSignIns pending,
      Cookies cookies,
      SessionPolicy policy,
      ClientIps clientIps,
      PortalAudit audit,
      Pages pages,
      Csrf csrf) {
    this.sessions = sessions;
    this.signedInUsers = new SignedInUsers(sessions, directory);
    this.directory = directory;
    this.factors = factors;
    this.pending = pending;
    this.cookies = cookies;
    this.policy = policy;
    this.clientIps = clientIps;
    this.audit = audit;
    this.pages = pages;
    this.csrf = csrf;
  }

  /**
   * The sign-in page: username and password, and a passkey (a button, and the username field's
   * autofill where the browser offers it).
   */
  void loginPage(RoutingContext ctx, int status, String rd, String username, String error) {
    Map<String, Object> params = new HashMap<>();
    params.put(Csrf.FIELD, csrf.token(ctx));
    params.put("rd", rd);
    params.put("username", username);
    params.put("error", error);
    params.put("passkeyOptions", factors.passwordlessOptions());
    pages.render(ctx, status, "login", params, SecondFactorRoutes.csp(rd));
  }

  /**
   * The password was right. A member of a group that requires a second factor goes on to prove one
   * (or to set one up when they have none) before any session exists; everyone else is signed in
   * with one factor, and steps up where a rule asks for two.
   */
  void afterPassword(RoutingContext ctx, Principal principal, String rd) {
    if (!directory.needsSecondFactor(principal)) {
      complete(ctx, principal, Amr.PASSWORD, rd, List.of());
      return;
    }
    ctx.response()
        .headers()
        .add(
            "Set-Cookie",
            cookies.setHostOnly(
                Cookies.PENDING,
                pending.issue(principal.id(), Amr.PASSWORD),
                PendingSignIns.LIFETIME.toSeconds()));
    String next = factors.of(principal.id()).any() ? "/login/verify" : "/login/enrol";
    Http.redirect(ctx, next + (rd.isEmpty() ? "" : "?rd=" + encode(rd)));
  }

  /**
   * Signs {@code principal} in, proved by {@code amr}: a new session replacing the browser's
   * previous one, the pending cookie cleared. Then on to {@code rd}, or first to the page that
   * shows {@code recoveryCodes} once when a first factor has just been set up.
   */
  void complete(
      RoutingContext ctx, Principal principal, Amr amr, String rd, List<String> recoveryCodes) {
    String token =
        sessions.start(
            principal.id(),
            amr,
            Http.cookie(ctx, Cookies.SESSION),
            clientIps.of(ctx),
            ctx.request().getHeader("User-Agent"));
    audit.signedIn(ctx, principal, amr);
    ctx.response()
        .headers()
        .add("Set-Cookie", cookies.set(Cookies.SESSION, token, policy.lifetime().toSeconds()));
    if (Http.cookie(ctx, Cookies.PENDING) != null) {
      ctx.response().headers().add("Set-Cookie", cookies.clearHostOnly(Cookies.PENDING));
    }
    String next = rd.isEmpty() ? "/account" : rd;
    if (recoveryCodes.isEmpty()) {
      Http.redirect(ctx, next);
      return;
    }
    pages.render(ctx, 200, "recovery_codes", Map.of("codes", recoveryCodes, "next", next));
  }

  /** Who is proving a second factor on this request: a pending sign-in first, else the session. */
  @Nullable Verifier verifier(RoutingContext ctx) {
    PendingSignIns.Pending half = pending.read(Http.cookie(ctx, Cookies.PENDING));
    if (half != null) {
      Principal principal = directory.get(half.userId());
      return principal == null || principal.disabled()
          ? null
          : new Verifier(principal, half.amr(), true);
    }
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      return null;
    }
    ActiveSession session = signedIn.session();
    return new Verifier(signedIn.principal(), session.amr(), false);
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
