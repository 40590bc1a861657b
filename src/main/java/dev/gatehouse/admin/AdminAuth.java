package dev.gatehouse.admin;

import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Http;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Requires a valid admin API key; read-only keys may only read. Wrong keys are throttled per client
 * address: a throttled address gets 429 before its key is looked at, right or wrong. The key is
 * left in the request's context: the audit log names it as the actor of every change.
 */
final class AdminAuth {
  /** Where the authenticated key is kept in the routing context. */
  static final String KEY = "gatehouse.apiKey";

  private final ApiKeys apiKeys;
  private final Throttle guesses;
  private final ClientIps clientIps;

  AdminAuth(ApiKeys apiKeys, Throttle guesses, ClientIps clientIps) {
    this.clientIps = clientIps;
    this.apiKeys = apiKeys;
    this.guesses = guesses;
  }

  /** Authenticates the request's API key and keeps it under {@link #KEY}; throws otherwise. */
  void check(RoutingContext ctx) {
    String header = Http.header(ctx, "Authorization", "");
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Failure.Unauthenticated("an API key is required: Authorization: Bearer <key>");
    }
    String address = clientIps.of(ctx);
    Duration wait = guesses.begin(address);
    if (wait.isPositive()) {
      throw new Failure.Throttled("too many wrong API keys from this address; try later", wait);
    }
    Optional<ApiKey> found;
    try {
      found = apiKeys.authenticate(header.substring(7).strip());
    } catch (RuntimeException e) {
      guesses.pass(address);
      throw e;
    }
    if (found.isEmpty()) {
      guesses.fail(address);
      throw new Failure.Unauthenticated("unknown or expired API key");
    }
    guesses.pass(address);
    ApiKey key = found.get();
    HttpMethod method = ctx.request().method();
    boolean reading = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    if (!reading && key.role() != ApiKey.Role.admin) {
      throw new Failure.Forbidden("this API key may only read");
    }
    ctx.put(KEY, key);
  }
}
