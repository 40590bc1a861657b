package dev.gatehouse.admin;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.failure.Failure;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Requires a valid admin API key; read-only keys may only read. The key is left in the request's
 * context: the audit log names it as the actor of every change.
 */
final class AdminAuth implements Handler {
  private final ApiKeys apiKeys;

  AdminAuth(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Failure.Unauthenticated("an API key is required: Authorization: Bearer <key>");
    }
    ApiKey key =
        apiKeys
            .authenticate(header.substring(7).strip())
            .orElseThrow(() -> new Failure.Unauthenticated("unknown or expired API key"));
    Method method = req.prologue().method();
    boolean reading = method.equals(Method.GET) || method.equals(Method.HEAD);
    if (!reading && key.role() != ApiKey.Role.admin) {
      throw new Failure.Forbidden("this API key may only read");
    }
    req.context().register(key);
    res.next();
  }
}
