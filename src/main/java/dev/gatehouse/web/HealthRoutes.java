package dev.gatehouse.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Liveness (the process answers) and readiness (migrated and in-memory state loaded). */
public final class HealthRoutes implements HttpService {
  private final BooleanSupplier ready;

  public HealthRoutes(BooleanSupplier ready) {
    this.ready = ready;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/health/live", (req, res) -> Json.send(res, Status.OK_200, Map.of("status", "up")))
        .get(
            "/health/ready",
            (req, res) -> {
              boolean isReady = ready.getAsBoolean();
              Json.send(
                  res,
                  isReady ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503,
                  Map.of("status", isReady ? "ready" : "starting"));
            });
  }
}
