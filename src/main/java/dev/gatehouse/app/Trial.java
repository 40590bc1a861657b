package dev.gatehouse.app;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What forward-auth would answer to one request an admin tries in the console, decided by the very
 * engine that decides real requests, on the apps as saved.
 *
 * @param app the app serving the URL's host; null when none does (then {@code [forward_auth]
 *     default_policy} applies) or when the request is refused before any lookup
 * @param access what the first matching rule ({@link Access#rule()}, -1 for none) requires; null
 *     when the request is refused before any lookup
 * @param status what the forward-auth endpoint answers a request that is not a page load (a page
 *     load that must sign in is redirected, 302, to {@code location})
 * @param location where a browser is sent to sign in or prove a second factor; empty otherwise
 * @param reason why forward-auth refuses the request as malformed; empty otherwise
 * @param headers the identity headers an allowed request carries to the upstream
 */
public record Trial(
    @Nullable App app,
    @Nullable Access access,
    Verdict verdict,
    int status,
    String location,
    String reason,
    List<Header> headers) {

  /** The outcome, as forward-auth tells the proxy. */
  public enum Verdict {
    ALLOW,
    SIGN_IN,
    STEP_UP,
    DENY,
    BAD_REQUEST
  }

  /** One header the upstream gets. */
  public record Header(String name, String value) {}

  public Trial {
    headers = List.copyOf(headers);
  }
}
