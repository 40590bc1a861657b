package dev.gatehouse.login;

import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.device.PairedDevice;
import dev.gatehouse.device.PairingCode;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.SessionPolicy;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.HtmlPage;
import dev.gatehouse.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The login portal: sign in and out, the account page (sessions and paired devices, each
 * revocable), and device pairing. Works without JavaScript. Every form is checked by {@link Csrf}
 * (origin and a token bound to the browser's session); a new session id is issued at each login.
 */
public final class LoginRoutes implements HttpService {
  private static final int MAX_LOGIN_HINT = 256;
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Users users;
  private final UserDirectory directory;
  private final Sessions sessions;
  private final Devices devices;
  private final Csrf csrf;
  private final Cookies cookies;
  private final RedirectTargets redirects;
  private final SessionPolicy policy;
  private final URI publicUrl;
  private final Pages pages = new Pages();

  public LoginRoutes(
      Users users,
      UserDirectory directory,
      Sessions sessions,
      Devices devices,
      AppDirectory apps,
      Csrf csrf,
      Cookies cookies,
      SessionPolicy policy,
      URI publicUrl) {
    this.users = users;
    this.directory = directory;
    this.sessions = sessions;
    this.devices = devices;
    this.csrf = csrf;
    this.cookies = cookies;
    this.policy = policy;
    this.publicUrl = publicUrl;
    this.redirects = new RedirectTargets(apps, publicUrl);
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", (req, res) -> redirect(res, "/account"))
        .get("/login", this::loginPage)
        .post("/login", this::login)
        .get("/logout", (req, res) -> page(req, res, Status.OK_200, "logout", Map.of()))
        .post("/logout", this::logout)
        .get("/account", this::account)
        .post("/account/sessions/{id}/revoke", this::revokeSession)
        .post("/account/devices/{id}/revoke", this::revokeDevice)
        .post("/account/devices/pair", this::startPairing)
        .get("/pair", (req, res) -> pairPage(req, res, Status.OK_200, query(req, "code"), "", ""))
        .post("/pair", this::pair)
        .post("/api/devices/pair", this::pairApi);
  }

  /**
   * The sign-in form; {@code login_hint} (as the OpenID Provider passes it on from its authorize
   * request) prefills the username.
   */
  private void loginPage(ServerRequest req, ServerResponse res) {
    String hint = query(req, "login_hint");
    page(
        req,
        res,
        Status.OK_200,
        "login",
        loginParams(
            redirects.vet(query(req, "rd")), hint.length() > MAX_LOGIN_HINT ? "" : hint, ""));
  }

  private void login(ServerRequest req, ServerResponse res) {
    Form form = Form.read(req);
    String rd = redirects.vet(form.get("rd"));
    if (!csrf.permits(req, form.get(Csrf.FIELD))) {
      page(
          req,
          res,
          Status.FORBIDDEN_403,
          "login",
          loginParams(rd, form.get("username"), "Your form expired; please try again."));
      return;
    }
    String username = form.get("username");
    String password = form.get("password");
    Optional<User> user =
        username.isEmpty()
                || password.isEmpty()
                || username.length() > 64
                || password.length() > 1024
            ? Optional.empty()
            : users.authenticate(username, password);
    if (user.isEmpty()) {
      page(
          req,
          res,
          Status.UNAUTHORIZED_401,
          "login",
          loginParams(rd, username, "Wrong username or password."));
      return;
    }
    // A fresh session id at every login: a cookie planted before sign-in is worth nothing after it.
    String previous =
        Cookies.value(req.headers().first(HeaderNames.COOKIE).orElse(null), Cookies.SESSION);
    if (previous != null) {
      sessions.end(previous);
    }
    String token =
        sessions.start(
            user.get().id(),
            clientIp(req),
            req.headers().first(HeaderNames.USER_AGENT).orElse(null));
    res.header(
        HeaderNames.SET_COOKIE, cookies.set(Cookies.SESSION, token, policy.lifetime().toSeconds()));
    redirect(res, rd.isEmpty() ? "/account" : rd);
  }

  private void logout(ServerRequest req, ServerResponse res) {
    Form form = Form.read(req);
    if (!csrf.permits(req, form.get(Csrf.FIELD))) {
      page(req, res, Status.FORBIDDEN_403, "logout", Map.of());
      return;
    }
    String token =
        Cookies.value(req.headers().first(HeaderNames.COOKIE).orElse(null), Cookies.SESSION);
    if (token != null) {
      sessions.end(token);
    }
    res.header(HeaderNames.SET_COOKIE, cookies.clear(Cookies.SESSION));
    String rd = redirects.vet(form.get("rd"));
    redirect(res, rd.isEmpty() ? "/login" : rd);
  }

  private void account(ServerRequest req, ServerResponse res) {
    renderAccount(req, res, null);
  }

  private void renderAccount(ServerRequest req, ServerResponse res, @Nullable PairingCode pairing) {
    ActiveSession current = currentSession(req);
    Principal principal = current == null ? null : directory.get(current.userId());
    if (current == null || principal == null || principal.disabled()) {
      redirect(res, "/login?rd=" + URLEncoder.encode("/account", StandardCharsets.UTF_8));
      return;
    }
    String token = csrf.token(req, res);
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
                    + URLEncoder.encode(pairing.code(), StandardCharsets.UTF_8));
    pages.render(res, Status.OK_200, "account", Map.of("view", view));
  }

  private void revokeSession(ServerRequest req, ServerResponse res) {
    ActiveSession current = requireSession(req, Form.read(req));
    sessions.revoke(current.userId(), req.path().pathParameters().get("id"));
    redirect(res, "/account");
  }

  private void revokeDevice(ServerRequest req, ServerResponse res) {
    ActiveSession current = requireSession(req, Form.read(req));
    devices.revoke(current.userId(), req.path().pathParameters().get("id"));
    redirect(res, "/account");
  }

  private void startPairing(ServerRequest req, ServerResponse res) {
    Form form = Form.read(req);
    ActiveSession current = requireSession(req, form);
    renderAccount(req, res, devices.startPairing(current.userId(), form.get("name")));
  }

  private void pair(ServerRequest req, ServerResponse res) {
    Form form = Form.read(req);
    if (!csrf.permits(req, form.get(Csrf.FIELD))) {
      pairPage(
          req,
          res,
          Status.FORBIDDEN_403,
          form.get("code"),
          "",
          "Your form expired; please try again.");
      return;
    }
    PairedDevice paired;
    try {
      paired = devices.redeem(form.get("code"));
    } catch (Failure.Invalid e) {
      pairPage(
          req, res, Status.BAD_REQUEST_400, form.get("code"), "", String.valueOf(e.getMessage()));
      return;
    }
    // Ten years: a paired device stays paired until someone revokes it.
    res.header(HeaderNames.SET_COOKIE, cookies.set(Cookies.DEVICE, paired.token(), 315_360_000L));
    pairPage(req, res, Status.OK_200, "", paired.token(), "");
  }

  /** For native clients: {@code {"code":"ABCD-EFGH"}} → {@code {"token":…,"device":…}}. */
  private void pairApi(ServerRequest req, ServerResponse res) {
    record PairRequest(@Nullable String code) {}
    PairedDevice paired = devices.redeem(Json.read(req, PairRequest.class).code());
    Json.send(res, Status.CREATED_201, Map.of("token", paired.token(), "device", paired.device()));
  }

  private void pairPage(
      ServerRequest req,
      ServerResponse res,
      Status status,
      String code,
      String token,
      String error) {
    page(req, res, status, "pair", Map.of("code", code, "token", token, "error", error));
  }

  private void page(
      ServerRequest req,
      ServerResponse res,
      Status status,
      String template,
      Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.put(Csrf.FIELD, csrf.token(req, res));
    Object rd = params.get("rd");
    pages.render(
        res,
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

  private ActiveSession requireSession(ServerRequest req, Form form) {
    ActiveSession current = currentSession(req);
    if (current == null) {
      throw new Failure.Unauthenticated("sign in first");
    }
    if (!csrf.permits(req, form.get(Csrf.FIELD))) {
      throw new Failure.Forbidden("the form expired; reload the page");
    }
    return current;
  }

  private @Nullable ActiveSession currentSession(ServerRequest req) {
    String token =
        Cookies.value(req.headers().first(HeaderNames.COOKIE).orElse(null), Cookies.SESSION);
    return token == null ? null : sessions.resolve(token);
  }

  private static @Nullable String clientIp(ServerRequest req) {
    return req.remotePeer().host();
  }

  private static String seen(Device device) {
    Instant at = device.lastSeen();
    return at == null ? "never" : WHEN.format(at);
  }

  private static String query(ServerRequest req, String name) {
    return req.query().first(name).orElse("");
  }

  private static void redirect(ServerResponse res, String location) {
    res.status(Status.SEE_OTHER_303).header(HeaderNames.LOCATION, location).send();
  }
}
