package dev.gatehouse.login;

import dev.gatehouse.web.HtmlPage;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Renders the portal's templates; the portal's own links may carry the referrer. */
final class Pages {
  void render(RoutingContext ctx, int status, String template, Map<String, Object> params) {
    render(ctx, status, template, params, HtmlPage.CSP);
  }

  /** With {@code csp} for a page whose form leads on beyond the portal. */
  void render(
      RoutingContext ctx, int status, String template, Map<String, Object> params, String csp) {
    HtmlPage.send(ctx.response(), status, "login/" + template + ".jte", params, csp, "same-origin");
  }
}
