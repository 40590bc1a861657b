package dev.gatehouse.login;

import dev.gatehouse.failure.Failure;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An {@code application/x-www-form-urlencoded} body, small by construction. */
record Form(Map<String, String> fields) {
  private static final int MAX_BYTES = 16 * 1024;

  static Form read(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return new Form(Map.of());
    }
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new Failure.Invalid(null, "could not read the form");
    }
    if (body.length > MAX_BYTES) {
      throw new Failure.Invalid(null, "form too large");
    }
    Map<String, String> fields = new HashMap<>();
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
        fields.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw new Failure.Invalid(null, "malformed form encoding");
      }
    }
    return new Form(fields);
  }

  String get(String name) {
    return fields.getOrDefault(name, "");
  }
}
