package dev.gatehouse.forwardauth;

import dev.gatehouse.app.HostName;
import dev.gatehouse.web.Cookies;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Both forward-auth protocols, independent of the HTTP server that carries them: Traefik's
 * forwardAuth and Caddy's forward_auth (X-Forwarded-* headers) and nginx's auth_request
 * (X-Original-* headers). Each parses the proxy's headers, asks the one {@link DecisionEngine} and
 * says what to answer; {@link ForwardAuthRoutes} and {@link ForwardAuthListener} only carry it.
 */
final class ForwardAuth {
  private final DecisionEngine engine;
  private final String loginUrl;
  private final String stepUpUrl;

  ForwardAuth(DecisionEngine engine, URI publicUrl) {
    this.engine = engine;
    this.loginUrl = publicUrl + "/login?rd=";
    this.stepUpUrl = publicUrl + "/login/verify?rd=";
  }

  /**
   * What to read from the database before deciding this request, or null: see {@link
   * DecisionEngine#lookupFor}. Hot path: no I/O.
   */
  @Nullable Runnable lookupFor(RequestHeaders headers) {
    return engine.lookupFor(credentials(headers));
  }

  /** {@code GET /api/authz/forward-auth}: Traefik and Caddy. */
  Answer forwardAuth(RequestHeaders headers) {
    String method = headers.get(ProxyHeader.FORWARDED_METHOD);
    String proto = headers.get(ProxyHeader.FORWARDED_PROTO);
    String host = headers.get(ProxyHeader.FORWARDED_HOST);
    String uri = headers.get(ProxyHeader.FORWARDED_URI);
    if (method == null || proto == null || host == null || uri == null) {
      return Answer.badRequest("X-Forwarded-Method, -Proto, -Host and -Uri are required");
    }
    Target target = target(method, proto, host, uri, headers);
    if (target == null) {
      return Answer.badRequest("malformed X-Forwarded-* headers");
    }
    Decision decision = engine.decide(target, credentials(headers));
    if (decision instanceof Decision.SignIn signIn
        && isBrowserNavigation(target.method(), headers)) {
      return Answer.redirect(signInUrl(signIn, target));
    }
    return answer(decision, headers);
  }

  /** {@code GET /api/authz/auth-request}: nginx. */
  Answer authRequest(RequestHeaders headers) {
    String url = headers.get(ProxyHeader.ORIGINAL_URL);
    if (url == null) {
      return Answer.badRequest("X-Original-URL is required");
    }
    String method = headers.get(ProxyHeader.ORIGINAL_METHOD);
    Target target = original(method == null ? "GET" : method, url, headers);
    if (target == null) {
      return Answer.badRequest(
          "X-Original-URL must be an absolute http or https URL, and X-Original-Method and"
              + " X-Forwarded-For well formed");
    }
    Decision decision = engine.decide(target, credentials(headers));
    if (decision instanceof Decision.SignIn signIn) {
      // nginx cannot URL-encode $request_uri itself: with auth_request_set it takes this Location
      // for its error_page redirect, so a query string in the original URL survives the sign-in.
      return Answer.signIn(signInUrl(signIn, target));
    }
    return answer(decision, headers);
  }

  private static Answer answer(Decision decision, RequestHeaders headers) {
    return switch (decision) {
      case Decision.Allow allow ->
          Answer.allow(
              allow.principal(), Cookies.withoutGatehouses(headers.get(ProxyHeader.COOKIE)));
      case Decision.SignIn signIn -> Answer.SIGN_IN;
      case Decision.Deny deny -> Answer.FORBIDDEN;
      case Decision.BadRequest bad -> Answer.badRequest(bad.reason());
    };
  }

  /** Where a browser goes to sign in, or to prove a second factor, and back to the target. */
  String signInUrl(Decision.SignIn signIn, Target target) {
    return (signIn.stepUp() ? stepUpUrl : loginUrl)
        + URLEncoder.encode(target.url(), StandardCharsets.UTF_8);
  }

  /**
   * The request behind an absolute URL (nginx's X-Original-URL, an admin's trial), read as the
   * Traefik headers are; null when malformed.
   */
  static @Nullable Target original(String method, String url, RequestHeaders headers) {
    URI original;
    try {
      original = new URI(url);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    if (original.getScheme() == null || original.getRawAuthority() == null) {
      return null;
    }
    String path =
        original.getRawPath() == null || original.getRawPath().isEmpty()
            ? "/"
            : original.getRawPath();
    String uri = original.getRawQuery() == null ? path : path + "?" + original.getRawQuery();
    return target(method, original.getScheme(), original.getRawAuthority(), uri, headers);
  }

  private static @Nullable Target target(
      String method, String proto, String host, String uri, RequestHeaders headers) {
    String scheme = proto.toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return null;
    }
    if (host.length() > 261 || !isToken(method)) {
      return null;
    }
    String canonicalHost = HostName.canonical(host);
    String path = RequestPath.canonical(uri);
    if (canonicalHost == null || path == null) {
      return null;
    }
    // the path's characters were checked by RequestPath; the query's are checked here
    for (int i = uri.indexOf('?') + 1; i > 0 && i < uri.length(); i++) {
      if (uri.charAt(i) <= ' ' || uri.charAt(i) >= 0x7f) {
        return null;
      }
    }
    InetAddress client = null;
    String forwardedFor = headers.get(ProxyHeader.FORWARDED_FOR);
    if (forwardedFor != null) {
      client = clientAddress(forwardedFor);
      if (client == null) {
        return null;
      }
    }
    return new Target(method.toUpperCase(Locale.ROOT), scheme, canonicalHost, uri, path, client);
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
   * The client is the right-most X-Forwarded-For entry: the one the proxy itself appended. Entries
   * to its left came from the client and could be forged.
   */
  static @Nullable InetAddress clientAddress(String forwardedFor) {
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

  private static Credentials credentials(RequestHeaders headers) {
    String cookie = headers.get(ProxyHeader.COOKIE);
    String authorization = headers.get(ProxyHeader.AUTHORIZATION);
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
  private static boolean isBrowserNavigation(String method, RequestHeaders headers) {
    String accept = headers.get(ProxyHeader.ACCEPT);
    return (method.equals("GET") || method.equals("HEAD"))
        && accept != null
        && accept.contains("text/html");
  }
}
