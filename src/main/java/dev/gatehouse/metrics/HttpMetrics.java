package dev.gatehouse.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Request counts and latencies per route; the histogram's count is the request counter. */
public final class HttpMetrics {
  private final Histogram latency;

  public HttpMetrics(PrometheusRegistry registry) {
    latency =
        Histogram.builder()
            .name("gatehouse_http_request_duration_seconds")
            .help("HTTP request latency by method, route pattern and status")
            .labelNames("method", "route", "status")
            .classicOnly()
            .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5)
            .register(registry);
  }

  public void observe(String method, String route, int status, long nanos) {
    latency.labelValues(method, route, Integer.toString(status)).observe(nanos / 1e9);
  }
}
