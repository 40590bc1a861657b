package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.net.ClientAddresses;
import dev.gatehouse.store.Store;
import dev.gatehouse.testing.TestGatehouse;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threading rule is enforced, not just stated: a route on the event loop that blocks is caught
 * by the blocked-thread checker (and {@link TestGatehouse} fails every test whose server saw one),
 * and a database read or a wait for the writer on a loop is refused at its first call.
 */
class BlockingOnAnEventLoopIsCaughtTest {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void aLoopHeldPastTheLimitIsCounted(@TempDir Path dir) throws Exception {
    try (HttpStack stack = stack(dir)) {
      Routing routing = stack.routing(null, null);
      routing.onLoop(
          HttpMethod.GET,
          "/slow",
          ctx -> {
            sleep(400);
            ctx.response().end("done");
          });
      int port = stack.listen("test", new HostPort("127.0.0.1", 0), routing);
      // Counted from serving on: class loading while the servers start is not a route.
      stack.serving();
      long before = stack.blockedLoops();

      assertThat(get(port, "/slow").statusCode()).isEqualTo(200);

      assertThat(stack.blockedLoops()).isGreaterThan(before);
    }
  }

  @Test
  void aDatabaseReadOnALoopIsRefusedAtOnce(@TempDir Path dir) throws Exception {
    try (TestGatehouse gatehouse = TestGatehouse.start(dir.resolve("gh"));
        HttpStack stack = stack(dir)) {
      Store store = gatehouse.gatehouse().store();
      Routing routing = stack.routing(null, null);
      routing.onLoop(
          HttpMethod.GET,
          "/read",
          ctx -> ctx.response().end(Integer.toString(store.reads().<Integer>read(q -> 1))));
      routing.get(
          "/read-on-a-virtual-thread",
          ctx -> ctx.response().end(Integer.toString(store.reads().<Integer>read(q -> 1))));
      int port = stack.listen("test", new HostPort("127.0.0.1", 0), routing);

      HttpResponse<String> onLoop = get(port, "/read");
      assertThat(onLoop.statusCode()).isEqualTo(500);
      assertThat(onLoop.body()).contains("server_error").doesNotContain("event loop");

      HttpResponse<String> offLoop = get(port, "/read-on-a-virtual-thread");
      assertThat(offLoop.statusCode()).isEqualTo(200);
      assertThat(offLoop.body()).isEqualTo("1");
    }
  }

  private static HttpStack stack(Path dir) {
    Config config =
        ConfigLoader.load(
            null,
            Map.of(
                "GATEHOUSE_STORAGE_DATA_DIR",
                dir.toString(),
                "GATEHOUSE_SERVER_MAX_EVENT_LOOP_BLOCK_MS",
                "50"));
    return HttpStack.create(
        config.server(), new ClientAddresses(List.of()), new PrometheusRegistry());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
