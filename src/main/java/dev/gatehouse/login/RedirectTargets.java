package dev.gatehouse.login;

import dev.gatehouse.app.AppDirectory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Decides where {@code rd} may send a browser after sign-in: only to the portal itself, a
 * configured app host, or a host under the cookie domain. Anything else is dropped, so Gatehouse is
 * never an open redirect.
 */
final class RedirectTargets {
  private final AppDirectory apps;
  private final String portalHost;
  private final String cookieDomain;

  RedirectTargets(AppDirectory apps, URI publicUrl, String cookieDomain) {
    this.apps = apps;
    this.portalHost = publicUrl.getHost().toLowerCase(Locale.ROOT);
    String domain = cookieDomain.toLowerCase(Locale.ROOT);
    this.cookieDomain = domain.startsWith(".") ? domain.substring(1) : domain;
  }

  /** {@code rd} when it is safe to follow, else the empty string. */
  String vet(String rd) {
    if (rd.isEmpty() || rd.length() > 4096) {
      return "";
    }
    // Browsers drop tabs and newlines from URLs and read a backslash as a slash, so "/\t/evil.com"
    // would become "//evil.com". A target is printable ASCII without backslashes, or nothing.
    for (int i = 0; i < rd.length(); i++) {
      char c = rd.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '\\') {
        return "";
      }
    }
    if (rd.startsWith("/") && !rd.startsWith("//")) {
      return rd;
    }
    URI uri;
    try {
      uri = new URI(rd);
    } catch (URISyntaxException e) {
      return "";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return "";
    }
    if (uri.getRawUserInfo() != null || uri.getHost() == null) {
      return "";
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String authority = uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    boolean allowed =
        host.equals(portalHost)
            || apps.isAppHost(authority)
            || (!cookieDomain.isEmpty()
                && (host.equals(cookieDomain) || host.endsWith("." + cookieDomain)));
    return allowed ? rd : "";
  }
}
