package dev.gatehouse.oidc;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.HtmlPage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The provider's HTML pages (error, consent, device, logout, form_post), rendered from precompiled
 * JTE templates in the portal's layout, and the portal's double-submit CSRF token ({@code gh_csrf}
 * cookie equal to the form's {@code csrf} field), shared with the login pages.
 */
final class Pages {

  /** The form_post page may run exactly its one line of script and post only its form. */
  private static final String FORM_POST_CSP =
      "default-src 'none'; script-src '"
          + sha256("document.forms[0].submit()")
          + "'; frame-ancestors 'none'; base-uri 'none'";

  private final Secrets secrets;
  private final Cookies cookies;

  Pages(Secrets secrets, Cookies cookies) {
    this.secrets = secrets;
    this.cookies = cookies;
  }

  void render(ServerResponse res, Status status, String template, Map<String, Object> params) {
    send(res, status, template, params, HtmlPage.CSP);
  }

  /** A page with the browser's CSRF token added as {@code csrf}. */
  void renderForm(
      ServerRequest req,
      ServerResponse res,
      Status status,
      String template,
      Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.put("csrf", csrfToken(req, res));
    render(res, status, template, all);
  }

  void error(ServerResponse res, String error, String description) {
    render(
        res, Status.BAD_REQUEST_400, "error", Map.of("error", error, "description", description));
  }

  void formPost(ServerResponse res, String action, Map<String, String> fields) {
    send(
        res, Status.OK_200, "form_post", Map.of("action", action, "fields", fields), FORM_POST_CSP);
  }

  /** Relying parties' pages must not learn codes or states from the referrer: none is sent. */
  private void send(
      ServerResponse res, Status status, String template, Map<String, Object> params, String csp) {
    HtmlPage.send(res, status, "oidc/" + template + ".jte", params, csp, "no-referrer");
  }

  /** The CSRF token of this browser, set as a cookie on first sight. */
  String csrfToken(ServerRequest req, ServerResponse res) {
    String existing = cookie(req, Cookies.CSRF);
    if (existing != null && existing.length() == 43) {
      return existing;
    }
    String token = secrets.generate("");
    res.header(HeaderNames.SET_COOKIE, cookies.setHostOnly(Cookies.CSRF, token, -1));
    return token;
  }

  static boolean csrfValid(ServerRequest req, Params form) {
    String cookie = cookie(req, Cookies.CSRF);
    String field = form.get("csrf");
    return cookie != null
        && field != null
        && MessageDigest.isEqual(
            cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8));
  }

  static @Nullable String cookie(ServerRequest req, String name) {
    return Cookies.value(req.headers().first(HeaderNames.COOKIE).orElse(null), name);
  }

  private static String sha256(String script) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
