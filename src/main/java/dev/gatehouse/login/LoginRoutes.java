package dev.gatehouse.login;

import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.device.PairedDevice;
import dev.gatehouse.device.PairingCode;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.SessionPolicy;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The login portal: sign in and out, the account page (sessions and paired devices, each
 * revocable), and device pairing. Works without JavaScript. Every form is checked by {@link Csrf}
 * (origin and a token bound to the browser's session); a new session id is issued at each login.
 */
public final class LoginRoutes {
  private static final int MAX_LOGIN_HINT = 256;
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Users users;
  private final UserDirectory directory;
  private final Sessions sessions;
  private final Devices devices;
  private final SignedInUsers signedInUsers;
  private final Csrf csrf;
  private final Cookies cookies;
  private final RedirectTargets redirects;
  private final SessionPolicy policy;
  private final URI publicUrl;
  private final SignInThrottle signIns;
  private final KnownBrowsers knownBrowsers;
  private final Throttle pairing;
  private final Throttle passwordChanges;
  private final ClientIps clientIps;
  private final Pages pages = new Pages();
  private final PortalAudit audit;

  public LoginRoutes(
      Users users,
      UserDirectory directory,
      Sessions sessions,
      Devices devices,
      AppDirectory apps,
      Csrf csrf,
      Cookies cookies,
      SessionPolicy policy,
      URI publicUrl,
      Audit audit,
      Throttles throttles,
      ClientIps clientIps,
      MacKey knownBrowserKey,
      Duration knownBrowserLifetime,
      Supplier<SecureRandom> random,
      InstantSource clock) {
    this.users = users;
    this.directory = directory;
    this.sessions = sessions;
    this.devices = devices;
    this.signedInUsers = new SignedInUsers(sessions, directory);
    this.csrf = csrf;
    this.cookies = cookies;
    this.policy = policy;
    this.publicUrl = publicUrl;
    this.redirects = new RedirectTargets(apps, publicUrl);
    this.audit = new PortalAudit(audit, directory, clientIps);
    this.clientIps = clientIps;
    this.signIns = new SignInThrottle(throttles);
    this.knownBrowsers = new KnownBrowsers(knownBrowserKey, random, clock, knownBrowserLifetime);
    this.pairing = throttles.perAddress("pairing");
    this.passwordChanges = throttles.perAccount("password_change");
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
        .get("/account", this::account)
        .post("/account/sessions/:id/revoke", this::revokeSession)
        .post("/account/devices/:id/revoke", this::revokeDevice)
        .post("/account/devices/pair", this::startPairing)
        .post("/account/password", this::changePassword)
        .get("/pair", ctx -> pairPage(ctx, 200, Http.query(ctx, "code", ""), "", ""))
        .post("/pair", this::pair);
  }

  /**
   * The sign-in form; {@code login_hint} (as the OpenID Provider passes it on from its authorize
   * request) prefills the username.
   */
  private void loginPage(RoutingContext ctx) {
    String hint = Http.query(ctx, "login_hint", "");
    page(
        ctx,
        200,
        "login",
        loginParams(
            redirects.vet(Http.query(ctx, "rd", "")),
            hint.length() > MAX_LOGIN_HINT ? "" : hint,
            ""));
  }

  private void login(RoutingContext ctx) {
    Form form = Form.read(ctx);
    String rd = redirects.vet(form.get("rd"));
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      page(
          ctx,
          403,
          "login",
          loginParams(rd, form.get("username"), "Your form expired; please try again."));
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
    Duration wait = signIns.begin(attempt);
    if (wait.isPositive()) {
      audit.throttled(ctx, username);
      String seconds = ErrorResponses.retryAfter(wait);
      ctx.response().putHeader("Retry-After", seconds);
      page(
          ctx,
          429,
          "login",
          loginParams(
              rd, username, "Too many failed sign-ins. Try again in " + seconds + " seconds."));
      return;
    }
    Optional<User> user;
    try {
      user = users.authenticate(username, password, attempt.knownBrowser() != null);
    } catch (RuntimeException e) {
      signIns.unchecked(attempt);
      if (!(e instanceof Failure.Busy busy)) {
        throw e;
      }
      ctx.response().putHeader("Retry-After", ErrorResponses.retryAfter(busy.retryAfter()));
      page(
          ctx,
          503,
          "login",
          loginParams(rd, username, "Gatehouse is busy right now; please try again."));
      return;
    }
    if (user.isEmpty()) {
      signIns.failed(attempt);
      wrongCredentials(ctx, rd, username);
      return;
    }
    signIns.succeeded(attempt);
    // Added, not set: the session cookie follows in a Set-Cookie header of its own.
    ctx.response()
        .headers()
        .add(
            "Set-Cookie",
            cookies.setHostOnly(
                KnownBrowsers.COOKIE,
                knownBrowsers.issue(account),
                knownBrowsers.lifetime().toSeconds()));
    // A fresh session id at every login: a cookie planted before sign-in is worth nothing after it.
    String previous = Http.cookie(ctx, Cookies.SESSION);
    if (previous != null) {
      sessions.end(previous);
    }
    String token =
        sessions.start(user.get().id(), clientIps.of(ctx), ctx.request().getHeader("User-Agent"));
    audit.signedIn(ctx, user.get());
    ctx.response()
        .headers()
        .add("Set-Cookie", cookies.set(Cookies.SESSION, token, policy.lifetime().toSeconds()));
    Http.redirect(ctx, rd.isEmpty() ? "/account" : rd);
  }

  /** One answer for every refused sign-in, so that none tells which part was wrong. */
  private void wrongCredentials(RoutingContext ctx, String rd, String username) {
    audit.failed(ctx, username);
    page(ctx, 401, "login", loginParams(rd, username, "Wrong username or password."));
  }

  private void logout(RoutingContext ctx) {
    Form form = Form.read(ctx);
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      page(ctx, 403, "logout", Map.of());
      return;
    }
    String token = Http.cookie(ctx, Cookies.SESSION);
    if (token != null) {
      audit.loggedOut(ctx, sessions.resolve(token));
      sessions.end(token);
    }
    // The device cookie too: a signed-out browser holds no credential. The device stays paired;
    // revoking it is an explicit act on the account page (another browser may hold its token).
    ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.SESSION));
    ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.DEVICE));
    String rd = redirects.vet(form.get("rd"));
    Http.redirect(ctx, rd.isEmpty() ? "/login" : rd);
  }

  private void account(RoutingContext ctx) {
    renderAccount(ctx, 200, null, "");
  }

  private void renderAccount(
      RoutingContext ctx, int status, @Nullable PairingCode pairing, String passwordError) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      Http.redirect(ctx, "/login?rd=" + URLEncoder.encode("/account", StandardCharsets.UTF_8));
      return;
    }
    ActiveSession current = signedIn.session();
    Principal principal = signedIn.principal();
    String token = csrf.token(ctx);
    List<AccountView.SessionRow> sessionRows =
        sessions.of(principal.id()).stream()
            .map(
                s ->
                    new AccountView.SessionRow(
                        s.id(),
                        s.userAgent() == null ? "unknown browser" : s.userAgent(),
                        s.ip() == null ? "unknown address" : s.ip(),
                        WHEN.format(s.lastSeen()),
                        s.id().equals(current.id())))
            .toList();
    List<AccountView.DeviceRow> deviceRows =
        devices.of(principal.id()).stream()
            .map(
                d ->
                    new AccountView.DeviceRow(
                        d.id(), d.name(), WHEN.format(d.createdAt()), seen(d)))
            .toList();
    AccountView view =
        new AccountView(
            principal.username(),
            principal.displayName() == null ? principal.username() : principal.displayName(),
            principal.groupsHeader().replace(",", ", "),
            token,
            sessionRows,
            deviceRows,
            pairing == null ? null : pairing.code(),
            pairing == null ? null : pairing.name(),
            pairing == null
                ? null
                : publicUrl
                    + "/pair?code="
                    + URLEncoder.encode(pairing.code(), StandardCharsets.UTF_8),
            passwordError);
    pages.render(ctx, status, "account", Map.of("view", view));
  }

  private void revokeSession(RoutingContext ctx) {
    ActiveSession current = requireSession(ctx, Form.read(ctx));
    if (sessions.revoke(current.userId(), ctx.pathParam("id"))) {
      audit.sessionRevoked(ctx, current, ctx.pathParam("id"));
    }
    Http.redirect(ctx, "/account");
  }

  private void revokeDevice(RoutingContext ctx) {
    ActiveSession current = requireSession(ctx, Form.read(ctx));
    devices.revoke(current.userId(), ctx.pathParam("id"));
    audit.deviceRevoked(ctx, current, ctx.pathParam("id"));
    Http.redirect(ctx, "/account");
  }

  private void startPairing(RoutingContext ctx) {
    Form form = Form.read(ctx);
    ActiveSession current = requireSession(ctx, form);
    renderAccount(ctx, 200, devices.startPairing(current.userId(), form.get("name")), "");
  }

  /**
   * The user's own password change: the current password is required, and every other session,
   * paired device and OAuth grant of theirs ends; this session stays.
   */
  /**
   * The user's own password change. Its check of the current password is throttled per account like
   * a sign-in: a stolen session must not become a way to guess the password it lacks.
   */
  private void changePassword(RoutingContext ctx) {
    Form form = Form.read(ctx);
    ActiveSession current = requireSession(ctx, form);
    Duration wait = passwordChanges.begin(current.userId());
    if (wait.isPositive()) {
      String seconds = ErrorResponses.retryAfter(wait);
      ctx.response().putHeader("Retry-After", seconds);
      renderAccount(
          ctx, 429, null, "Too many wrong passwords. Try again in " + seconds + " seconds.");
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
      renderAccount(ctx, 400, null, String.valueOf(e.getMessage()));
      return;
    } catch (RuntimeException e) {
      passwordChanges.pass(current.userId());
      throw e;
    }
    passwordChanges.forgive(current.userId());
    audit.passwordChanged(ctx, current);
    Http.redirect(ctx, "/account");
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

  private static Map<String, Object> loginParams(String rd, String username, String error) {
    return Map.of("rd", rd, "username", username, "error", error);
  }

  private ActiveSession requireSession(RoutingContext ctx, Form form) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    if (signedIn == null) {
      throw new Failure.Unauthenticated("sign in first");
    }
    ActiveSession current = signedIn.session();
    if (!csrf.permits(ctx, form.get(Csrf.FIELD))) {
      throw new Failure.Forbidden("the form expired; reload the page");
    }
    return current;
  }

  private static String seen(Device device) {
    Instant at = device.lastSeen();
    return at == null ? "never" : WHEN.format(at);
  }
}
