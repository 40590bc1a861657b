package dev.gatehouse.login;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Renders the portal's precompiled JTE templates with headers that keep the pages to themselves.
 */
final class Pages {
  private static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none';"
          + " base-uri 'none'";
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  void render(ServerResponse res, Status status, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    engine.render("login/" + template + ".jte", params, out);
    res.status(status)
        .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
        .header(HeaderNames.CACHE_CONTROL, "no-store")
        .header(HeaderNames.create("Content-Security-Policy"), CSP)
        .header(HeaderNames.create("X-Frame-Options"), "DENY")
        .header(HeaderNames.create("Referrer-Policy"), "same-origin")
        .header(HeaderNames.create("X-Content-Type-Options"), "nosniff")
        .send(out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
