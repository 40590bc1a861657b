package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.metrics.HttpMetrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import java.time.Duration;
import java.util.List;

/** Builds the public HTTP listener from the features' routes. */
public final class WebServerFactory {
  /** Admin and login bodies are small; anything larger is refused before it is read. */
  private static final long MAX_PAYLOAD = 1024 * 1024;

  private WebServerFactory() {}

  public static WebServer create(
      Config.Server config, HttpMetrics metrics, List<? extends HttpService> services) {
    return WebServer.builder()
        .host(config.listen().host())
        .port(config.listen().port())
        .shutdownHook(false)
        .maxPayloadSize(MAX_PAYLOAD)
        .shutdownGracePeriod(Duration.ofSeconds(10))
        .routing(routing -> routing(routing, metrics, services))
        .build();
  }

  private static void routing(
      HttpRouting.Builder routing, HttpMetrics metrics, List<? extends HttpService> services) {
    routing.addFilter(
        (chain, req, res) -> {
          long start = System.nanoTime();
          try {
            chain.proceed();
          } finally {
            metrics.observe(
                req.prologue().method().text(),
                req.matchingPattern().orElse("unmatched"),
                res.status().code(),
                System.nanoTime() - start);
          }
        });
    ErrorResponses.register(routing);
    for (HttpService service : services) {
      routing.register(service);
    }
  }
}
