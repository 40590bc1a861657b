package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.metrics.HttpMetrics;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the public HTTP listener from the features' routes. */
public final class WebServerFactory {
  /** Admin and login bodies are small; anything larger is refused before it is read. */
  private static final long MAX_PAYLOAD = 1024 * 1024;

  /**
   * Request header bytes accepted. Browsers send every cookie of the shared cookie domain to every
   * app, and the proxy passes them all to forward-auth: Helidon's 16 KiB (Netty's 8 KiB) refused
   * those requests. Traefik accepts 1 MiB, nginx 32 KiB by default.
   */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  private WebServerFactory() {}

  /**
   * The listener with the features' routes; {@code metrics} null when {@code [metrics]} is off, so
   * that requests then pay nothing for latency histograms nobody scrapes.
   */
  public static WebServer create(
      Config.Server config, @Nullable HttpMetrics metrics, List<? extends HttpService> services) {
    return WebServer.builder()
        .host(config.listen().host())
        .port(config.listen().port())
        .shutdownHook(false)
        .maxPayloadSize(MAX_PAYLOAD)
        // Helidon's wire-level logging listeners are on by default and consulted at every step of
        // every request; Gatehouse never turns that logging on.
        .addProtocol(
            Http1Config.builder()
                .receiveLog(false)
                .sendLog(false)
                .maxHeadersSize(MAX_HEADER_BYTES)
                .build())
        .shutdownGracePeriod(Duration.ofSeconds(10))
        .routing(routing -> routing(routing, config.strictTransportSecurity(), metrics, services))
        .build();
  }

  private static void routing(
      HttpRouting.Builder routing,
      @Nullable String hsts,
      @Nullable HttpMetrics metrics,
      List<? extends HttpService> services) {
    if (metrics != null) {
      observeLatency(routing, metrics);
    }
    if (hsts != null) {
      // Set before the handler runs, so that error answers carry it as well.
      HeaderName name = HeaderNames.STRICT_TRANSPORT_SECURITY;
      routing.addFilter(
          (chain, req, res) -> {
            res.header(name, hsts);
            chain.proceed();
          });
    }
    ErrorResponses.register(routing);
    for (HttpService service : services) {
      routing.register(service);
    }
  }

  private static void observeLatency(HttpRouting.Builder routing, HttpMetrics metrics) {
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
  }
}
