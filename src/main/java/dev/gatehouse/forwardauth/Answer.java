package dev.gatehouse.forwardauth;

import dev.gatehouse.user.Principal;
import org.jspecify.annotations.Nullable;

/**
 * What to send back to the proxy, whichever HTTP server carries it: a 200 always carries the four
 * identity headers of {@code principal} (empty when null) and, when the request had cookies other
 * than Gatehouse's, those as {@code cookie} (a {@code Cookie} header for Traefik to copy onto the
 * upstream request, see docs/proxies.md); a 302 or a 401 may carry {@code location}, a 400 carries
 * {@code reason} as its text body.
 */
record Answer(
    int status,
    @Nullable Principal principal,
    @Nullable String cookie,
    @Nullable String location,
    @Nullable String reason) {

  static final Answer SIGN_IN = new Answer(401, null, null, null, null);
  static final Answer FORBIDDEN = new Answer(403, null, null, null, null);

  static Answer allow(@Nullable Principal principal, @Nullable String appCookies) {
    return new Answer(200, principal, appCookies, null, null);
  }

  static Answer redirect(String location) {
    return new Answer(302, null, null, location, null);
  }

  static Answer signIn(String location) {
    return new Answer(401, null, null, location, null);
  }

  static Answer badRequest(String reason) {
    return new Answer(400, null, null, null, reason);
  }

  static Answer notFound() {
    return new Answer(404, null, null, null, "not found");
  }
}
