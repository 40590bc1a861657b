package dev.gatehouse.login;

import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.config.Config;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.device.Devices;
import dev.gatehouse.device.PairedDevice;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.SessionPolicy;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.ErrorResponses;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.HtmlPage;
import dev.gatehouse.web.Http;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Routing;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The login portal: sign in and out, and device pairing; it registers the account page ({@link
 * AccountRoutes}) and second factors ({@link SecondFactorRoutes}) beside them. Works without
 * JavaScript (passkeys aside). Every form is checked by {@link Csrf} (origin and a token bound to
 * the browser's session); a new session id is issued at each sign-in and step-up.
 */
public final class LoginRoutes {
  private static final int MAX_LOGIN_HINT = 256;

  private final Users users;
  private final UserDirectory directory;
  private final Sessions sessions;
  private final Devices devices;
  private final Csrf csrf;
  private final Cookies cookies;
  private final RedirectTargets redirects;
  private final SignInThrottle signInThrottle;
  private final KnownBrowsers knownBrowsers;
  private final Throttle pairing;
  private final ClientIps clientIps;
  private final Pages pages = new Pages();
  private final PortalAudit audit;
  private final SignIns signIns;
  private final AccountRoutes account;
  private final SecondFactorRoutes secondFactors;

  public LoginRoutes(
      Users users,
      UserDirectory directory,
      Sessions sessions,
      Devices devices,
      Factors factors,
      Grants grants,
      ClientDirectory clients,
      Config.Account accountConfig,
      AppDirectory apps,
      Csrf csrf,
      Cookies cookies,
      SessionPolicy policy,
      URI publicUrl,
      Audit audit,
      Throttles throttles,
      ClientIps clientIps,
      MacKey knownBrowserKey,
      MacKey pendingSignInKey,
      Duration knownBrowserLifetime,
      Supplier<SecureRandom> random,
      InstantSource clock) {
    this.users = users;
    this.directory = directory;
    this.sessions = sessions;
    this.devices = devices;
    this.csrf = csrf;
    this.cookies = cookies;
    this.redirects = new RedirectTargets(apps, publicUrl);
    this.audit = new PortalAudit(audit, directory, clientIps);
    this.clientIps = clientIps;
    this.signInThrottle = new SignInThrottle(throttles);
    this.knownBrowsers = new KnownBrowsers(knownBrowserKey, random, clock, knownBrowserLifetime);
    this.pairing = throttles.perAddress("pairing");
    this.signIns =
        new SignIns(
            sessions,
            directory,
            factors,
            new PendingSignIns(pendingSignInKey, clock),
            cookies,
            policy,
            clientIps,
            this.audit,
            pages,
            csrf);
    this.account =
        new AccountRoutes(
            users,
            sessions,
            new SignedInUsers(sessions, directory),
            devices,
            factors,
            grants,
            clients,
            accountConfig,
            csrf,
            publicUrl,
            this.audit,
            throttles,
            pages);
    this.secondFactors =
        new SecondFactorRoutes(
            factors, signIns, directory, csrf, redirects, this.audit, clientIps, throttles, pages);
  }

  /** All on virtual threads: they hash, query or render. */
  public void register(Routing routing) {
    routing.post("/api/devices/pair", this::pairApi);
    routing
        .pages()
        .get("/", ctx -> Http.redirect(ctx, "/account"))
        .get("/login", this::loginPage)
        .post("/login", this::login)
        .get("/logout", ctx -> page(ctx, 200, "logout", Map.of()))
        .post("/logout", this::logout)
        .get("/pair", ctx -> pairPage(ctx, 200, Http.query(ctx, "code", ""), "", ""))
        .post("/pair", this::pair);
    account.register(routing);
    secondFactors.register(routing);
  }

  /**
   * The sign-in form; {@code login_hint} (as the OpenID Provider passes it on from its authorize
   * request) prefills the username.
   */
  private void loginPage(RoutingContext ctx) {
    String hint = Http.query(ctx, "login_hint", "");
    signIns.loginPage(
        ctx,
        200,
        redirects.vet(Http.query(ctx, "rd", "")),
        hint.length() > MAX_LOGIN_HINT ? "" : hint,
        "");
  }

  private void login(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      signIns.loginPage(ctx, 403, rd, form.get("username"), "Your form expired; please try again.");
      return;
    }
    String username = form.get("username");
    String password = form.get("password");
    if (username.isEmpty()
        || password.isEmpty()
        || username.length() > 64
        || password.length() > 1024) {
      wrongCredentials(ctx, rd, username);
      return;
    }
    String account = username.toLowerCase(Locale.ROOT);
    SignInThrottle.Attempt attempt =
        new SignInThrottle.Attempt(
            clientIps.of(ctx),
            account,
            knownBrowsers.browserOf(Http.cookie(ctx, KnownBrowsers.COOKIE), account));
    // Before the hash: a throttled guess costs no Argon2 and learns nothing.
    Duration wait = signInThrottle.begin(attempt);
    if (wait.isPositive()) {
      audit.throttled(ctx, username);
      String seconds = ErrorResponses.retryAfter(wait);
      ctx.response().putHeader("Retry-After", seconds);
      signIns.loginPage(
          ctx,
          429,
          rd,
          username,
          "Too many failed sign-ins. Try again in " + seconds + " seconds.");
      return;
    }
    Optional<User> user;
    try {
      user = users.authenticate(username, password, attempt.knownBrowser() != null);
    } catch (RuntimeException e) {
      signInThrottle.unchecked(attempt);
      if (!(e instanceof Failure.Busy busy)) {
        throw e;
      }
      ctx.response().putHeader("Retry-After", ErrorResponses.retryAfter(busy.retryAfter()));
      signIns.loginPage(ctx, 503, rd, username, "Gatehouse is busy right now; please try again.");
      return;
    }
    if (user.isEmpty()) {
      signInThrottle.failed(attempt);
      wrongCredentials(ctx, rd, username);
      return;
    }
    signInThrottle.succeeded(attempt);
    // Added, not set: the session cookie follows in a Set-Cookie header of its own.
    ctx.response()
        .headers()
        .add(
            "Set-Cookie",
            cookies.setHostOnly(
                KnownBrowsers.COOKIE,
                knownBrowsers.issue(account),
                knownBrowsers.lifetime().toSeconds()));
    Principal principal = directory.get(user.get().id());
    if (principal == null) {
      wrongCredentials(ctx, rd, username);
      return;
    }
    signIns.afterPassword(ctx, principal, rd);
  }

  /** One answer for every refused sign-in, so that none tells which part was wrong. */
  private void wrongCredentials(RoutingContext ctx, String rd, String username) {
    audit.failed(ctx, username);
    signIns.loginPage(ctx, 401, rd, username, "Wrong username or password.");
  }

  private void logout(RoutingContext ctx) {
    Form form = Form.read(ctx);
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      page(ctx, 403, "logout", Map.of());
      return;
    }
    String token = Http.cookie(ctx, Cookies.SESSION);
    if (token != null) {
      audit.loggedOut(ctx, sessions.current(token));
      sessions.end(token);
    }
    // The device cookie too: a signed-out browser holds no credential. The device stays paired;
    // revoking it is an explicit act on the account page (another browser may hold its token).
    ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.SESSION));
    ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.DEVICE));
    if (Http.cookie(ctx, Cookies.PENDING) != null) {
      ctx.response().headers().add("Set-Cookie", cookies.clearHostOnly(Cookies.PENDING));
    }
    String rd = redirects.vet(form.get("rd"));
    Http.redirect(ctx, rd.isEmpty() ? "/login" : rd);
  }

  private void pair(RoutingContext ctx) {
    Form form = Form.read(ctx);
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      pairPage(ctx, 403, form.get("code"), "", "Your form expired; please try again.");
      return;
    }
    PairedDevice paired;
    try {
      paired = redeem(ctx, form.get("code"));
    } catch (Failure.Throttled e) {
      ctx.response().putHeader("Retry-After", ErrorResponses.retryAfter(e.retryAfter()));
      pairPage(ctx, 429, form.get("code"), "", String.valueOf(e.getMessage()));
      return;
    } catch (Failure.Invalid e) {
      pairPage(ctx, 400, form.get("code"), "", String.valueOf(e.getMessage()));
      return;
    }
    // Ten years: a paired device stays paired until someone revokes it.
    ctx.response()
        .putHeader("Set-Cookie", cookies.set(Cookies.DEVICE, paired.token(), 315_360_000L));
    pairPage(ctx, 200, "", paired.token(), "");
  }

  /** For native clients: {@code {"code":"ABCD-EFGH"}} → {@code {"token":…,"device":…}}. */
  private void pairApi(RoutingContext ctx) {
    record PairRequest(@Nullable String code) {}
    PairedDevice paired = redeem(ctx, Json.read(ctx, PairRequest.class).code());
    Json.send(ctx, 201, Map.of("token", paired.token(), "device", paired.device()));
  }

  /** Redeems a pairing code, throttling wrong codes per client address. */
  private PairedDevice redeem(RoutingContext ctx, @Nullable String code) {
    String address = clientIps.of(ctx);
    Duration wait = pairing.begin(address);
    if (wait.isPositive()) {
      throw new Failure.Throttled("Too many wrong pairing codes; try again later.", wait);
    }
    boolean wrong = true;
    try {
      PairedDevice paired = devices.redeem(code);
      wrong = false;
      return paired;
    } catch (RuntimeException e) {
      wrong = e instanceof Failure.Invalid;
      throw e;
    } finally {
      if (wrong) {
        pairing.fail(address);
      } else {
        pairing.pass(address);
      }
    }
  }

  private void pairPage(RoutingContext ctx, int status, String code, String token, String error) {
    page(ctx, status, "pair", Map.of("code", code, "token", token, "error", error));
  }

  private void page(RoutingContext ctx, int status, String template, Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.put(Csrf.FIELD, csrf.token(ctx));
    Object rd = params.get("rd");
    pages.render(
        ctx,
        status,
        template,
        all,
        rd instanceof String target
            ? HtmlPage.csp(RedirectTargets.formTargets(target))
            : HtmlPage.CSP);
  }
}
