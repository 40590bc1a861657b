package dev.gatehouse.web;

import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness (the process answers) and readiness (migrated and in-memory state loaded). */
public final class HealthRoutes {
  private final BooleanSupplier ready;

  public HealthRoutes(BooleanSupplier ready) {
    this.ready = ready;
  }

  /** Both on the event loop: they read a flag. */
  public void register(Routing routing) {
    routing
        .onLoop(HttpMethod.GET, "/health/live", ctx -> Json.send(ctx, 200, Map.of("status", "up")))
        .onLoop(
            HttpMethod.GET,
            "/health/ready",
            ctx -> {
              boolean isReady = ready.getAsBoolean();
              Json.send(ctx, isReady ? 200 : 503, Map.of("status", isReady ? "ready" : "starting"));
            });
  }
}
