package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decisions never wait for a database connection: 200 at once, each on its own connection, all
 * succeed with a read pool of one.
 */
class BurstOfConcurrentDecisionsAllSucceedTest {
  private static final int BURST = 200;
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void twoHundredAtOnceWithOneReadConnection(Listener listener) throws Exception {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_DATABASE_READ_POOL_SIZE", "1"));
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
      alice.login("alice", "alice-password");
      HttpRequest request =
          HttpRequest.newBuilder(listener.uri(gh, "/api/authz/forward-auth"))
              .header("X-Forwarded-Method", "GET")
              .header("X-Forwarded-Proto", "https")
              .header("X-Forwarded-Host", "wiki.example.test")
              .header("X-Forwarded-Uri", "/page")
              .header("Cookie", alice.cookieHeader())
              .build();

      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> statuses = new ArrayList<>();
      try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < BURST; i++) {
          statuses.add(
              threads.submit(
                  () -> {
                    try (HttpClient http = HttpClient.newHttpClient()) {
                      go.await();
                      HttpResponse<Void> response =
                          http.send(request, HttpResponse.BodyHandlers.discarding());
                      return response.statusCode();
                    }
                  }));
        }
        go.countDown();
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> status : statuses) {
          results.add(status.get());
        }
        assertThat(results).hasSize(BURST).containsOnly(200);
      }
    }
  }
}
