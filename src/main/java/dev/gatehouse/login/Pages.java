package dev.gatehouse.login;

import dev.gatehouse.web.HtmlPage;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** Renders the portal's templates; the portal's own links may carry the referrer. */
final class Pages {
  void render(ServerResponse res, Status status, String template, Map<String, Object> params) {
    render(res, status, template, params, HtmlPage.CSP);
  }

  /** With {@code csp} for a page whose form leads on beyond the portal. */
  void render(
      ServerResponse res, Status status, String template, Map<String, Object> params, String csp) {
    HtmlPage.send(res, status, "login/" + template + ".jte", params, csp, "same-origin");
  }
}
