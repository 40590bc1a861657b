package dev.gatehouse.web;

import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.crypto.Secrets;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The portal's one CSRF defence, for every state-changing form (login, logout, account actions,
 * pairing, consent, device approval, logout confirmation).
 *
 * <p>What always holds: a form is accepted only when (1) the browser did not say it comes from
 * elsewhere: an {@code Origin} header, when present, is the public URL's origin, and {@code
 * Sec-Fetch-Site}, when present, is {@code same-origin} or {@code none}; and (2) its {@code csrf}
 * field is the HMAC, under a server key nobody else holds, of a secret this browser carries: the
 * session cookie when it has one, else a pre-session cookie. An attacker who plants cookies from a
 * sibling host under the cookie domain cannot compute the matching field, unlike the old double
 * submit where any cookie equal to the field passed. The pre-session cookie is {@code
 * __Host-gh_csrf} (host-only, Secure, Path=/: no sibling can set or shadow it) when the public URL
 * is https; over plain http, where the prefix is unavailable, it is a host-only {@code gh_csrf} and
 * the Origin check is what stops a sibling. A missing {@code Origin} with a valid token passes, for
 * old browsers and clients without JavaScript. Without a configured {@code public_url} (local
 * testing: the derived {@code http://<listen>} is rarely what the browser typed) the origin
 * expected is the request's own {@code Host}, which a page elsewhere cannot choose either.
 */
public final class Csrf {
  /** The form field carrying the token. */
  public static final String FIELD = "csrf";

  private final MacKey key;
  private final Secrets secrets;
  private final Cookies cookies;
  private final String origin;
  private final boolean originFromHost;
  private final String cookieName;

  /**
   * @param publicUrlConfigured false when {@code public_url} is empty and {@code publicUrl} only
   *     derived from the listen address
   */
  public Csrf(
      MacKey key, Secrets secrets, Cookies cookies, URI publicUrl, boolean publicUrlConfigured) {
    this.key = key;
    this.secrets = secrets;
    this.cookies = cookies;
    this.origin = origin(publicUrl);
    this.originFromHost = !publicUrlConfigured;
    this.cookieName = "https".equals(publicUrl.getScheme()) ? "__Host-gh_csrf" : Cookies.CSRF;
  }

  /** {@code scheme://host[:port]} as browsers send it in {@code Origin}: default port omitted. */
  public static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort =
        port < 0
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + url.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** The name of the pre-session cookie. */
  public String cookieName() {
    return cookieName;
  }

  /**
   * The token for this browser's forms: bound to its session cookie, or to its pre-session cookie,
   * which is set here on first sight.
   */
  public String token(RoutingContext ctx) {
    String cookieHeader = ctx.request().getHeader("Cookie");
    String session = Cookies.value(cookieHeader, Cookies.SESSION);
    if (session != null) {
      return key.sign("session", session);
    }
    String browser = Cookies.value(cookieHeader, cookieName);
    if (browser == null || browser.length() != 43) {
      browser = secrets.generate("");
      ctx.response().headers().add("Set-Cookie", cookies.setHostOnly(cookieName, browser, -1));
    }
    return key.sign("browser", browser);
  }

  /**
   * Whether a form may change state: it comes from the portal's own pages, as far as the browser
   * says, and {@code field} is the token of this browser's session or pre-session cookie. Either
   * binding passes, so that a sign-in in another tab does not expire a form rendered before it.
   */
  public boolean permits(RoutingContext ctx, @Nullable String field) {
    if (!sameOrigin(ctx) || field == null || field.isEmpty()) {
      return false;
    }
    String cookieHeader = ctx.request().getHeader("Cookie");
    String session = Cookies.value(cookieHeader, Cookies.SESSION);
    String browser = Cookies.value(cookieHeader, cookieName);
    boolean bySession = session != null && key.verify(field, "session", session);
    boolean byBrowser = browser != null && key.verify(field, "browser", browser);
    return bySession | byBrowser;
  }

  /**
   * Whether nothing the browser says marks the request as cross-origin. Browsers send {@code
   * Origin} on every form POST; a sibling host under the cookie domain is same-site but not
   * same-origin, so it is refused too.
   */
  public boolean sameOrigin(RoutingContext ctx) {
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return false;
    }
    String sent = ctx.request().getHeader("Origin");
    if (sent == null || sent.equalsIgnoreCase(origin)) {
      return true;
    }
    String host = ctx.request().getHeader("Host");
    return originFromHost
        && host != null
        && sent.equalsIgnoreCase(origin.substring(0, origin.indexOf("://") + 3) + host);
  }
}
