package dev.gatehouse.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code [metrics] enable}, every request is counted by method, route pattern and status on
 * the metrics port (forward-auth on either listener in the same series), and the public port does
 * not serve them.
 */
class MetricsListenerCountsRequestsByRouteTest {
  @TempDir Path dir;

  @Test
  void requestsAreCountedOnTheMetricsPortOnly() throws Exception {
    try (TestGatehouse gh =
            TestGatehouse.start(
                dir,
                Map.of(
                    "GATEHOUSE_METRICS_ENABLE", "true",
                    "GATEHOUSE_METRICS_LISTEN", "127.0.0.1:0"));
        HttpClient http = HttpClient.newHttpClient()) {
      for (int i = 0; i < 3; i++) {
        assertThat(gh.get("/health/live").status()).isEqualTo(200);
      }
      assertThat(gh.get("/api/admin/users/nobody").status()).isEqualTo(404);
      for (Listener listener : Listener.values()) {
        try (Proxy proxy = listener.proxy(gh)) {
          assertThat(proxy.forwardAuth("GET", "https://nowhere.example.test/").statusCode())
              .isEqualTo(403);
        }
      }

      String metrics =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + gh.gatehouse().metricsPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains(
              "gatehouse_http_request_duration_seconds_count{method=\"GET\","
                  + "route=\"/health/live\",status=\"200\"} 3")
          .contains("route=\"/api/admin/users/{id}\",status=\"404\"")
          .contains(
              "gatehouse_http_request_duration_seconds_count{method=\"GET\","
                  + "route=\"/api/authz/forward-auth\",status=\"403\"} 2");
      assertThat(gh.get("/metrics").status()).isEqualTo(404);
    }
  }
}
