package dev.gatehouse.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends the portal's server-rendered pages (login and OIDC alike): a precompiled JTE template,
 * never cached, never framed, never sniffed, under a content security policy.
 */
public final class HtmlPage {
  /** No script at all, inline styles, same-origin images: what a portal page needs. */
  public static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";

  private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

  private HtmlPage() {}

  /** Renders {@code template} (a path such as {@code login/login.jte}) and sends it. */
  public static void send(
      ServerResponse res,
      Status status,
      String template,
      Map<String, Object> params,
      String csp,
      String referrerPolicy) {
    StringOutput out = new StringOutput();
    ENGINE.render(template, params, out);
    res.status(status)
        .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .header(HeaderNames.CACHE_CONTROL, "no-store")
        .header(HeaderNames.create("Content-Security-Policy"), csp)
        .header(HeaderNames.create("X-Frame-Options"), "DENY")
        .header(HeaderNames.create("Referrer-Policy"), referrerPolicy)
        .header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
        .send(out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
