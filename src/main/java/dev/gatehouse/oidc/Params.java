package dev.gatehouse.oidc;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
  private static final int MAX_BYTES = 64 * 1024;
  static final int MAX_VALUE = 4096;

  static Params read(ServerRequest req) {
    if (req.prologue().method() == Method.POST) {
      return form(req);
    }
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> repeated = new TreeSet<>();
    for (String name : req.query().names()) {
      var all = req.query().all(name);
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
  static Params form(ServerRequest req) {
    String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      drain(req);
      return new Params(Map.of(), Set.of(), "the body must be application/x-www-form-urlencoded");
    }
    if (!req.content().hasEntity()) {
      return new Params(Map.of(), Set.of(), null);
    }
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      return new Params(Map.of(), Set.of(), "the body could not be read");
    }
    if (body.length > MAX_BYTES) {
      return new Params(Map.of(), Set.of(), "the body is too large");
    }
    Map<String, String> values = new HashMap<>();
    Set<String> repeated = new TreeSet<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (values.putIfAbsent(name, value) != null) {
          repeated.add(name);
        }
      } catch (IllegalArgumentException e) {
        return new Params(Map.of(), Set.of(), "malformed form encoding");
      }
    }
    return new Params(values, repeated, null);
  }

  private static void drain(ServerRequest req) {
    if (req.content().hasEntity()) {
      try (InputStream in = req.content().inputStream()) {
        in.skip(MAX_BYTES);
      } catch (IOException | RuntimeException e) {
        // Nothing to keep; the request is refused either way.
      }
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
