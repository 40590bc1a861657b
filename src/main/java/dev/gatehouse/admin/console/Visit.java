package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.Http;
import io.vertx.ext.web.RoutingContext;

/**
 * One admitted request to the console: who (a signed-in admin), the CSRF token for the forms it
 * renders, the posted form (empty on a GET), and the audit origin of what it changes.
 */
public record Visit(
    RoutingContext ctx,
    SignedInUsers.SignedIn admin,
    String csrf,
    Form form,
    Administration.Origin origin) {

  public String param(String name) {
    return ctx.pathParam(name);
  }

  /** A query parameter, trimmed; empty when absent. */
  public String query(String name) {
    return Http.query(ctx, name, "").strip();
  }

  /** A form field, trimmed; empty when absent. */
  public String field(String name) {
    return form.get(name).strip();
  }

  /**
   * After a change: back to a page (303, so the browser GETs it), with a notice code; a fragment
   * ({@code #members}) stays last, where the browser looks for it.
   */
  public void redirect(String path, String notice) {
    int hash = path.indexOf('#');
    String page = hash < 0 ? path : path.substring(0, hash);
    String fragment = hash < 0 ? "" : path.substring(hash);
    Http.redirect(ctx, page + (page.contains("?") ? "&" : "?") + "done=" + notice + fragment);
  }
}
