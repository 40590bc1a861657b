package dev.gatehouse.web;

import io.vertx.ext.web.RoutingContext;
import org.jspecify.annotations.Nullable;

/** Small reads and answers every edge route makes, written once. */
public final class Http {
  private Http() {}

  /** The first value of query parameter {@code name}, or {@code fallback}. */
  public static String query(RoutingContext ctx, String name, String fallback) {
    String value = ctx.queryParams().get(name);
    return value == null ? fallback : value;
  }

  /** The request header {@code name}, or {@code fallback}. */
  public static String header(RoutingContext ctx, String name, String fallback) {
    String value = ctx.request().getHeader(name);
    return value == null ? fallback : value;
  }

  /** The value of the request's cookie {@code name}, or null. */
  public static @Nullable String cookie(RoutingContext ctx, String name) {
    return Cookies.value(ctx.request().getHeader("Cookie"), name);
  }

  /** 303 See Other to {@code location}: after a form, the browser follows with a GET. */
  public static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }
}
