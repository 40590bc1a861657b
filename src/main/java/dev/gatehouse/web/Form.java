package dev.gatehouse.web;

import dev.gatehouse.failure.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@code application/x-www-form-urlencoded} body, as every edge feature reads one: the first
 * value of each field, {@code ""} for one not sent, and the names sent more than once. Its size was
 * capped before it was read ({@code [server] max_form_bytes}).
 */
public record Form(Map<String, String> fields, Set<String> repeated) {
  /** Reads the body of {@code ctx}; malformed escapes are a {@link Failure.Invalid}. */
  public static Form read(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      return new Form(Map.of(), Set.of());
    }
    Map<String, String> fields = new HashMap<>();
    Set<String> repeated = new TreeSet<>();
    for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (fields.putIfAbsent(name, value) != null) {
          repeated.add(name);
        }
      } catch (IllegalArgumentException e) {
        throw new Failure.Invalid(null, "malformed form encoding");
      }
    }
    return new Form(fields, repeated);
  }

  /** Whether the request declares a form body (and so is held to the form size limit). */
  static boolean isForm(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
  }

  /** The field's value, or {@code ""}. */
  public String get(String name) {
    return fields.getOrDefault(name, "");
  }
}
