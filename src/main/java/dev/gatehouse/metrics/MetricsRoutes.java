package dev.gatehouse.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /metrics} in the Prometheus text format, served on {@code [metrics] listen} only, so
 * that scraping never competes with, or is exposed beside, the public port. The composition root
 * registers it on a virtual thread: a scrape walks every series and may take milliseconds.
 */
public final class MetricsRoutes {
  private final PrometheusRegistry registry;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /** Adds the JVM's own metrics (heap, GC, threads) to {@code registry}. */
  public MetricsRoutes(PrometheusRegistry registry) {
    this.registry = registry;
    JvmMetrics.builder().register(registry);
  }

  public void scrape(RoutingContext ctx) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response()
        .putHeader("Content-Type", writer.getContentType())
        .end(Buffer.buffer(out.toByteArray()));
  }
}
