package dev.gatehouse.oidc;

import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.HtmlPage;
import io.vertx.ext.web.RoutingContext;
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

  void render(RoutingContext ctx, int status, String template, Map<String, Object> params) {
    send(ctx, status, template, params, HtmlPage.CSP);
  }

  /** A page with the browser's CSRF token added as {@code csrf}; its forms stay on the portal. */
  void renderForm(RoutingContext ctx, int status, String template, Map<String, Object> params) {
    renderForm(ctx, status, template, params, null);
  }

  /**
   * As {@link #renderForm(ServerRequest, ServerResponse, Status, String, Map)} for a page whose
   * form's answer redirects on to {@code target} (a registered redirect URI), which its {@code
   * form-action} must then allow.
   */
  void renderForm(
      RoutingContext ctx,
      int status,
      String template,
      Map<String, Object> params,
      @Nullable String target) {
    Map<String, Object> all = new HashMap<>(params);
    all.put(Csrf.FIELD, csrf.token(ctx));
    send(ctx, status, template, all, HtmlPage.csp(uris(target)));
  }

  void error(RoutingContext ctx, String error, String description) {
    render(ctx, 400, "error", Map.of("error", error, "description", description));
  }

  /** The form_post page may run exactly its one line of script and post only to the client. */
  void formPost(RoutingContext ctx, String action, Map<String, String> fields) {
    String csp =
        "default-src 'none'; "
            + FORM_POST_SCRIPT
            + "; "
            + HtmlPage.formAction(uris(action))
            + "; frame-ancestors 'none'; base-uri 'none'";
    send(ctx, 200, "form_post", Map.of("action", action, "fields", fields), csp);
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
      RoutingContext ctx, int status, String template, Map<String, Object> params, String csp) {
    HtmlPage.send(ctx.response(), status, "oidc/" + template + ".jte", params, csp, "no-referrer");
  }

  /** Whether a submitted form passes the portal's CSRF check. */
  boolean csrfValid(RoutingContext ctx, Params form) {
    return csrf.permits(ctx, form.get(Csrf.FIELD));
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
