package dev.gatehouse.forwardauth;

import dev.gatehouse.user.Principal;
import dev.gatehouse.web.Cookies;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints reverse proxies call for every request of every protected app: Traefik's
 * forwardAuth and Caddy's forward_auth ({@code /api/authz/forward-auth}, X-Forwarded-* headers) and
 * nginx's auth_request ({@code /api/authz/auth-request}, X-Original-* headers). Both parse, ask the
 * one {@link DecisionEngine}, and answer with headers only.
 */
public final class ForwardAuthRoutes implements HttpService {
  private static final HeaderName FORWARDED_METHOD = HeaderNames.create("X-Forwarded-Method");
  private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
  private static final HeaderName FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
  private static final HeaderName FORWARDED_URI = HeaderNames.create("X-Forwarded-Uri");
  private static final HeaderName FORWARDED_FOR = HeaderNames.X_FORWARDED_FOR;
  private static final HeaderName ORIGINAL_URL = HeaderNames.create("X-Original-URL");
  private static final HeaderName ORIGINAL_METHOD = HeaderNames.create("X-Original-Method");
  private static final HeaderName REMOTE_USER = HeaderNames.create("Remote-User");
  private static final HeaderName REMOTE_GROUPS = HeaderNames.create("Remote-Groups");
  private static final HeaderName REMOTE_EMAIL = HeaderNames.create("Remote-Email");
  private static final HeaderName REMOTE_NAME = HeaderNames.create("Remote-Name");

  private final DecisionEngine engine;
  private final String loginUrl;

  ForwardAuthRoutes(DecisionEngine engine, URI publicUrl) {
    this.engine = engine;
    this.loginUrl = publicUrl + "/login?rd=";
  }

  /** Wires the engine from the in-memory views; see {@link DecisionEngine}. */
  public static ForwardAuthRoutes create(
      dev.gatehouse.app.AppDirectory apps,
      dev.gatehouse.user.UserDirectory users,
      dev.gatehouse.session.Sessions sessions,
      dev.gatehouse.device.Devices devices,
      dev.gatehouse.token.AccessTokens accessTokens,
      dev.gatehouse.app.Policy fallback,
      URI publicUrl) {
    return new ForwardAuthRoutes(
        new DecisionEngine(apps, users, sessions, devices, accessTokens, fallback), publicUrl);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/api/authz/forward-auth", this::forwardAuth);
    rules.get("/api/authz/auth-request", this::authRequest);
  }

  private void forwardAuth(ServerRequest req, ServerResponse res) {
    Headers headers = req.headers();
    String method = headers.first(FORWARDED_METHOD).orElse(null);
    String proto = headers.first(FORWARDED_PROTO).orElse(null);
    String host = headers.first(FORWARDED_HOST).orElse(null);
    String uri = headers.first(FORWARDED_URI).orElse(null);
    if (method == null || proto == null || host == null || uri == null) {
      badRequest(res, "X-Forwarded-Method, -Proto, -Host and -Uri are required");
      return;
    }
    Target target = target(method, proto, host, uri, headers);
    if (target == null) {
      badRequest(res, "malformed X-Forwarded-* headers");
      return;
    }
    Decision decision = engine.decide(target, credentials(headers));
    if (decision instanceof Decision.SignIn && isBrowserNavigation(target.method(), headers)) {
      res.status(Status.FOUND_302).header(HeaderNames.LOCATION, signInUrl(target)).send();
      return;
    }
    answer(res, decision);
  }

  private void authRequest(ServerRequest req, ServerResponse res) {
    Headers headers = req.headers();
    String url = headers.first(ORIGINAL_URL).orElse(null);
    if (url == null) {
      badRequest(res, "X-Original-URL is required");
      return;
    }
    URI original;
    try {
      original = new URI(url);
    } catch (java.net.URISyntaxException e) {
      badRequest(res, "malformed X-Original-URL");
      return;
    }
    if (original.getScheme() == null || original.getRawAuthority() == null) {
      badRequest(res, "X-Original-URL must be absolute");
      return;
    }
    String path =
        original.getRawPath() == null || original.getRawPath().isEmpty()
            ? "/"
            : original.getRawPath();
    String uri = original.getRawQuery() == null ? path : path + "?" + original.getRawQuery();
    Target target =
        target(
            headers.first(ORIGINAL_METHOD).orElse("GET"),
            original.getScheme(),
            original.getRawAuthority(),
            uri,
            headers);
    if (target == null) {
      badRequest(res, "malformed X-Original-* headers");
      return;
    }
    Decision decision = engine.decide(target, credentials(headers));
    if (decision instanceof Decision.SignIn) {
      // nginx cannot URL-encode $request_uri itself: with auth_request_set it takes this Location
      // for its error_page redirect, so a query string in the original URL survives the sign-in.
      res.header(HeaderNames.LOCATION, signInUrl(target));
    }
    answer(res, decision);
  }

  private String signInUrl(Target target) {
    return loginUrl + URLEncoder.encode(target.url(), StandardCharsets.UTF_8);
  }

  private static void answer(ServerResponse res, Decision decision) {
    switch (decision) {
      case Decision.Allow allow -> {
        // All four identity headers, empty when unknown: a proxy that copies them then overwrites
        // any the client sent itself, and Caddy before 2.9 would otherwise pass its own
        // placeholder text ("{http.reverse_proxy.header.Remote-User}") on as the value.
        Principal p = allow.principal();
        res.header(utf8(REMOTE_USER, p == null ? "" : p.username()));
        res.header(utf8(REMOTE_GROUPS, p == null ? "" : p.groupsHeader()));
        res.header(utf8(REMOTE_EMAIL, p == null || p.email() == null ? "" : p.email()));
        res.header(utf8(REMOTE_NAME, p == null || p.displayName() == null ? "" : p.displayName()));
        res.status(Status.OK_200).send();
      }
      case Decision.SignIn signIn -> res.status(Status.UNAUTHORIZED_401).send();
      case Decision.Deny deny -> res.status(Status.FORBIDDEN_403).send();
      case Decision.BadRequest bad -> badRequest(res, bad.reason());
    }
  }

  /**
   * A header whose value goes out as UTF-8 bytes, as Authelia's identity headers do. Plain headers
   * go out as US-ASCII, which turned "Zoë" into "Zo?". Values never hold control characters: they
   * are refused when a user is written.
   */
  private static Header utf8(HeaderName name, String value) {
    return HeaderValues.createCached(name, false, false, value);
  }

  private static @Nullable Target target(
      String method, String proto, String host, String uri, Headers headers) {
    String scheme = proto.toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return null;
    }
    if (host.isEmpty() || host.length() > 255 || !uri.startsWith("/") || !isToken(method)) {
      return null;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '/' || c == '\\' || c == '@' || c == '?' || c == '#') {
        return null;
      }
    }
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) <= ' ' || uri.charAt(i) >= 0x7f) {
        return null;
      }
    }
    if (hasDotSegment(uri)) {
      return null;
    }
    InetAddress client = null;
    Optional<String> forwardedFor = headers.first(FORWARDED_FOR);
    if (forwardedFor.isPresent()) {
      client = clientAddress(forwardedFor.get());
      if (client == null) {
        return null;
      }
    }
    return new Target(method.toUpperCase(Locale.ROOT), scheme, host, uri, client);
  }

  /** An HTTP method as RFC 9110 spells one: letters only, here, and short. */
  private static boolean isToken(String method) {
    if (method.isEmpty() || method.length() > 16) {
      return false;
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Rules match the path as sent, but the upstream resolves {@code .} and {@code ..} segments
   * (plain or percent-encoded): {@code /public/../admin} would match a public rule and reach the
   * admin page. Browsers never send such paths, so they are refused rather than normalised.
   */
  private static boolean hasDotSegment(String uri) {
    int query = uri.indexOf('?');
    String path =
        (query < 0 ? uri : uri.substring(0, query)).replace("%2e", ".").replace("%2E", ".");
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client is the right-most X-Forwarded-For entry: the one the proxy itself appended. Entries
   * to its left came from the client and could be forged.
   */
  private static @Nullable InetAddress clientAddress(String forwardedFor) {
    int comma = forwardedFor.lastIndexOf(',');
    String last = (comma < 0 ? forwardedFor : forwardedFor.substring(comma + 1)).strip();
    if (last.startsWith("[") && last.endsWith("]")) {
      last = last.substring(1, last.length() - 1);
    }
    try {
      return InetAddress.ofLiteral(last);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Credentials credentials(Headers headers) {
    String cookie = headers.first(HeaderNames.COOKIE).orElse(null);
    String authorization = headers.first(HeaderNames.AUTHORIZATION).orElse(null);
    String bearer =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).strip()
            : null;
    if (cookie == null && bearer == null) {
      return Credentials.NONE;
    }
    return new Credentials(
        Cookies.value(cookie, Cookies.SESSION), Cookies.value(cookie, Cookies.DEVICE), bearer);
  }

  /** A top-level page load, the only kind of request a redirect to the login page can help. */
  private static boolean isBrowserNavigation(String method, Headers headers) {
    return (method.equals("GET") || method.equals("HEAD"))
        && headers.first(HeaderNames.ACCEPT).map(a -> a.contains("text/html")).orElse(false);
  }

  private static void badRequest(ServerResponse res, String reason) {
    res.status(Status.BAD_REQUEST_400).send(reason);
  }
}
