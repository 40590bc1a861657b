package dev.gatehouse.web;

import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Liveness (the process answers) and readiness (migrated and in-memory state loaded). A node that
 * has lost its database stays ready: decisions come from memory and still flow, so a load balancer
 * must keep sending them; the body says {@code "database": "unreachable"} (and writes answer 503)
 * until it is back.
 */
public final class HealthRoutes {
  private final BooleanSupplier ready;
  private final BooleanSupplier database;

  public HealthRoutes(BooleanSupplier ready, BooleanSupplier database) {
    this.ready = ready;
    this.database = database;
  }

  /** Both on the event loop: they read flags. */
  public void register(Routing routing) {
    routing
        .onLoop(HttpMethod.GET, "/health/live", ctx -> Json.send(ctx, 200, Map.of("status", "up")))
        .onLoop(
            HttpMethod.GET,
            "/health/ready",
            ctx -> {
              boolean isReady = ready.getAsBoolean();
              String db = database.getAsBoolean() ? "reachable" : "unreachable";
              Json.send(
                  ctx,
                  isReady ? 200 : 503,
                  Map.of("status", isReady ? "ready" : "starting", "database", db));
            });
  }
}
