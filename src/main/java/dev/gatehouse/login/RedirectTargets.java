package dev.gatehouse.login;

import dev.gatehouse.app.AppDirectory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Decides where {@code rd} may send a browser after sign-in or sign-out, so that Gatehouse is never
 * an open redirect. What always holds: a kept target is either a path on the portal ({@code /…},
 * never {@code //…}), the portal itself at the public URL's scheme and port, or a configured app's
 * host as the app directory matches it (its port rules included) over https, or over http only when
 * the public URL is http. No user info, no trailing-dot hosts, nothing a browser would read
 * differently from us (controls, spaces, backslashes, non-ASCII). Anything else is dropped.
 */
final class RedirectTargets {
  private final AppDirectory apps;
  private final String portalScheme;
  private final String portalHost;
  private final int portalPort;

  RedirectTargets(AppDirectory apps, URI publicUrl) {
    this.apps = apps;
    this.portalScheme = publicUrl.getScheme().toLowerCase(Locale.ROOT);
    this.portalHost = publicUrl.getHost().toLowerCase(Locale.ROOT);
    this.portalPort = effectivePort(portalScheme, publicUrl.getPort());
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
    if (!scheme.equals("https") && !(scheme.equals("http") && portalScheme.equals("http"))) {
      return "";
    }
    // getHost() is null for a registry-based authority such as "evil.com:x" or "a_b.c"
    if (uri.isOpaque()
        || uri.getRawUserInfo() != null
        || uri.getHost() == null
        || uri.getPort() > 65535) {
      return "";
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty() || host.endsWith(".")) {
      return "";
    }
    if (host.equals(portalHost)) {
      return scheme.equals(portalScheme) && effectivePort(scheme, uri.getPort()) == portalPort
          ? rd
          : "";
    }
    return apps.isAppHost(uri.getPort() < 0 ? host : host + ":" + uri.getPort()) ? rd : "";
  }

  /**
   * Where a form whose answer redirects to the vetted {@code rd} may end up, for the page's {@code
   * form-action}: {@code rd} itself when absolute; for a path, the {@code redirect_uri} it carries
   * (an authorize request after sign-in redirects on to its client, which checks that URI).
   */
  static List<URI> formTargets(String rd) {
    try {
      URI uri = new URI(rd);
      if (uri.isAbsolute()) {
        return List.of(uri);
      }
      String query = uri.getRawQuery();
      if (query == null) {
        return List.of();
      }
      for (String pair : query.split("&")) {
        if (pair.startsWith("redirect_uri=")) {
          return List.of(
              new URI(
                  URLDecoder.decode(
                      pair.substring("redirect_uri=".length()), StandardCharsets.UTF_8)));
        }
      }
      return List.of();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return List.of();
    }
  }

  private static int effectivePort(String scheme, int port) {
    return port >= 0 ? port : scheme.equals("https") ? 443 : 80;
  }
}
