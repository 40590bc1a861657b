package dev.gatehouse.oidc;

import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.HtmlPage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The provider's HTML pages (error, consent, device, logout, form_post), rendered from precompiled
 * JTE templates in the portal's layout, with the portal's CSRF token ({@link Csrf}) on every form.
 */
final class Pages {

  private static final String FORM_POST_SCRIPT =
      "script-src '" + sha256("document.forms[0].submit()") + "'";

  private final Csrf csrf;

  Pages(Csrf csrf) {
    this.csrf = csrf;
  }

  void render(ServerResponse res, Status status, String template, Map<String, Object> params) {
    send(res, status, template, params, HtmlPage.CSP);
  }

  /** A page with the browser's CSRF token added as {@code csrf}; its forms stay on the portal. */
  void renderForm(
      ServerRequest req,
      ServerResponse res,
      Status status,
      String template,
      Map<String, Object> params) {
    renderForm(req, res, status, template, params, null);
  }

  /**
   * As {@link #renderForm(ServerRequest, ServerResponse, Status, String, Map)} for a page whose
   * form's answer redirects on to {@code target} (a registered redirect URI), which its {@code
   * form-action} must then allow.
   */
  void renderForm(
      ServerRequest req,
      ServerResponse res,
      Status status,
      String template,
      Map<String, Object> params,
      @Nullable String target) {
    Map<String, Object> all = new HashMap<>(params);
    all.put(Csrf.FIELD, csrf.token(req, res));
    send(res, status, template, all, HtmlPage.csp(uris(target)));
  }

  void error(ServerResponse res, String error, String description) {
    render(
        res, Status.BAD_REQUEST_400, "error", Map.of("error", error, "description", description));
  }

  /** The form_post page may run exactly its one line of script and post only to the client. */
  void formPost(ServerResponse res, String action, Map<String, String> fields) {
    String csp =
        "default-src 'none'; "
            + FORM_POST_SCRIPT
            + "; "
            + HtmlPage.formAction(uris(action))
            + "; frame-ancestors 'none'; base-uri 'none'";
    send(res, Status.OK_200, "form_post", Map.of("action", action, "fields", fields), csp);
  }

  /** A registered URI as a list of one, or none when it does not parse. */
  private static List<URI> uris(@Nullable String uri) {
    if (uri == null) {
      return List.of();
    }
    try {
      return List.of(new URI(uri));
    } catch (URISyntaxException e) {
      return List.of();
    }
  }

  /** Relying parties' pages must not learn codes or states from the referrer: none is sent. */
  private void send(
      ServerResponse res, Status status, String template, Map<String, Object> params, String csp) {
    HtmlPage.send(res, status, "oidc/" + template + ".jte", params, csp, "no-referrer");
  }

  /** Whether a submitted form passes the portal's CSRF check. */
  boolean csrfValid(ServerRequest req, Params form) {
    return csrf.permits(req, form.get(Csrf.FIELD));
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
