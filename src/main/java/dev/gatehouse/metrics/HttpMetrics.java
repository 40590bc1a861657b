package dev.gatehouse.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Request counts and latencies per route; the histogram's count is the request counter. */
public final class HttpMetrics {
  private record Series(String method, String route, int status) {}

  private final Histogram latency;

  /**
   * The data point of each (method, route, status) seen so far. Every request observes one, and
   * {@code labelValues} costs a label check, a list, a status string and a map lookup each time;
   * the set of series is small and fixed by the routes, so it is resolved once.
   */
  private final Map<Series, DistributionDataPoint> series = new ConcurrentHashMap<>();

  public HttpMetrics(PrometheusRegistry registry) {
    latency =
        Histogram.builder()
            .name("gatehouse_http_request_duration_seconds")
            .help("HTTP request latency by method, route pattern and status")
            .labelNames("method", "route", "status")
            .classicOnly()
            .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5)
            // Exemplars link a sample to a trace; there are no traces, only the per-request cost.
            .withoutExemplars()
            .register(registry);
  }

  public void observe(String method, String route, int status, long nanos) {
    series
        .computeIfAbsent(
            new Series(method, route, status),
            s -> latency.labelValues(s.method(), s.route(), Integer.toString(s.status())))
        .observe(nanos / 1e9);
  }
}
