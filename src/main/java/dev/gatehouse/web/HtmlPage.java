package dev.gatehouse.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Sends the portal's server-rendered pages (login and OIDC alike): a precompiled JTE template,
 * never cached, never framed, never sniffed, under a content security policy.
 */
public final class HtmlPage {
  private static final Pattern HOST = Pattern.compile("^([a-z0-9.-]+|\\[[0-9a-f:.]+])$");
  private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*$");

  /**
   * No script at all, the one stylesheet ({@code /static/gatehouse.css}, no inline style),
   * same-origin images, and forms that post only to the portal: what a portal page needs when none
   * of its forms leads elsewhere.
   */
  public static final String CSP = csp(List.of());

  private HtmlPage() {}

  /**
   * The portal's policy where a form's answer redirects on to {@code formTargets} (an app after
   * sign-in, a relying party after consent or logout): browsers apply {@code form-action} to every
   * redirect that follows a form submission, so each target's origin is allowed beside 'self'.
   * Targets that cannot be written safely into the header are left out.
   */
  public static String csp(Collection<URI> formTargets) {
    return csp(formTargets, false);
  }

  /**
   * With {@code script}, the portal's one script ({@code /static/webauthn.js}, for passkeys) may
   * run too: scripts from the portal's own origin, never inline ones.
   */
  public static String csp(Collection<URI> formTargets, boolean script) {
    return "default-src 'none'; style-src 'self'; img-src 'self'; "
        + (script ? "script-src 'self'; " : "")
        + formAction(formTargets)
        + "; frame-ancestors 'none'; base-uri 'none'";
  }

  /** {@code form-action 'self'} plus the source expression of each target. */
  public static String formAction(Collection<URI> formTargets) {
    Set<String> sources = new LinkedHashSet<>();
    sources.add("'self'");
    for (URI target : formTargets) {
      String source = source(target);
      if (source != null) {
        sources.add(source);
      }
    }
    return "form-action " + String.join(" ", sources);
  }

  /**
   * {@code scheme://host[:port]} for http(s), {@code scheme:} for a native app's private scheme,
   * rebuilt from checked parts so that nothing of the URI can end the directive.
   */
  private static @Nullable String source(URI target) {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEME.matcher(scheme).matches()) {
      return null;
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return scheme + ":";
    }
    String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
    if (!HOST.matcher(host).matches()) {
      return null;
    }
    return scheme + "://" + host + (target.getPort() < 0 ? "" : ":" + target.getPort());
  }

  private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders {@code template} (a path such as {@code login/login.jte}) and sends it. */
  public static void send(
      HttpServerResponse res,
      int status,
      String template,
      Map<String, Object> params,
      String csp,
      String referrerPolicy) {
    StringOutput out = new StringOutput();
    ENGINE.render(template, params, out);
    res.setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", csp)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", referrerPolicy)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
