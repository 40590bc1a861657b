package dev.gatehouse.oidc;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.web.Form;
import dev.gatehouse.web.Http;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Protocol parameters from the query (GET) or a form body (POST). Parameters sent twice are kept
 * apart, since OAuth forbids repeating one (RFC 6749 §3.1); so is anything that could not be read,
 * which becomes {@code invalid_request} rather than an exception.
 */
record Params(Map<String, String> values, Set<String> repeated, @Nullable String problem) {
  static final int MAX_VALUE = 4096;

  static Params read(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.POST) {
      return form(ctx);
    }
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> repeated = new TreeSet<>();
    for (String name : ctx.queryParams().names()) {
      var all = ctx.queryParams().getAll(name);
      if (all.size() > 1) {
        repeated.add(name);
      }
      if (!all.isEmpty()) {
        values.put(name, all.get(0));
      }
    }
    return new Params(values, repeated, null);
  }

  /** A form body; anything else is a problem to report. */
  static Params form(RoutingContext ctx) {
    String type = Http.header(ctx, "Content-Type", "").toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return new Params(Map.of(), Set.of(), "the body must be application/x-www-form-urlencoded");
    }
    try {
      Form form = Form.read(ctx);
      return new Params(form.fields(), form.repeated(), null);
    } catch (Failure.Invalid e) {
      return new Params(Map.of(), Set.of(), "malformed form encoding");
    }
  }

  /** The value, or null when absent or empty (OAuth treats empty parameters as omitted). */
  @Nullable String get(String name) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  Optional<String> find(String name) {
    return Optional.ofNullable(get(name));
  }

  /** Why these parameters cannot be used at all, if anything: the first problem found. */
  @Nullable String invalid() {
    if (problem != null) {
      return problem;
    }
    if (!repeated.isEmpty()) {
      return "parameter " + repeated.iterator().next() + " was sent more than once";
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue().length() > MAX_VALUE) {
        return "parameter " + e.getKey() + " is too long";
      }
    }
    return null;
  }
}
