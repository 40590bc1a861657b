package dev.gatehouse.mfa;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Relying-party settings: the RP ID (a registrable domain the portal is served from, e.g. {@code
 * example.com} or {@code localhost}), the name authenticators show, and the exact origins accepted
 * ({@code scheme://host[:port]}, no path).
 */
public record RelyingParty(String id, String name, Set<String> origins) {
  public RelyingParty {
    // An IP address (a portal reached as https://[::1]/ or http://10.0.0.5/) is let through:
    // browsers refuse passkeys there, but TOTP and everything else still work.
    if (id.isBlank() || id.contains("/")) {
      throw new IllegalArgumentException("the RP ID is a bare host name, got \"" + id + "\"");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException("the RP name must not be blank");
    }
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("at least one origin must be accepted");
    }
    origins = Set.copyOf(origins);
    for (String origin : origins) {
      checkOrigin(origin);
    }
  }

  private static void checkOrigin(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin: \"" + origin + "\"", e);
    }
    boolean bare =
        uri.getHost() != null
            && uri.getRawPath().isEmpty()
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null
            && uri.getRawUserInfo() == null;
    if (!bare || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "an origin is scheme://host[:port] with no path, got \"" + origin + "\"");
    }
  }
}
