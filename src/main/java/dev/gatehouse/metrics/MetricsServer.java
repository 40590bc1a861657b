package dev.gatehouse.metrics;

import dev.gatehouse.config.Config;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code GET /metrics} on a listener of its own ({@code [metrics] listen}), so that scraping
 * never competes with, or is exposed beside, the public port.
 */
public final class MetricsServer implements AutoCloseable {
  private final @Nullable HTTPServer server;

  private MetricsServer(@Nullable HTTPServer server) {
    this.server = server;
  }

  public static MetricsServer start(Config.Metrics config, PrometheusRegistry registry) {
    if (!config.enable()) {
      return new MetricsServer(null);
    }
    JvmMetrics.builder().register(registry);
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .hostname(config.listen().host())
              .port(config.listen().port())
              .registry(registry)
              .buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + config.listen() + " for metrics", e);
    }
  }

  /** The bound port, or -1 when metrics are disabled. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}
