package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.store.StoreMetrics;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decisions read memory only: across 10,000 mixed decisions (two-factor rules included) not one SQL
 * statement runs, read or write. The activity flush is pushed past the end of the test so that it
 * cannot run in between.
 */
class HotPathIssuesNoStatementsTest {
  private static final int DECISIONS = 10_000;
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void tenThousandMixedDecisionsRunNoStatement(Listener listener) throws Exception {
    try (TestGatehouse gh =
            TestGatehouse.start(dir, Map.of("GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "600000"));
        Proxy proxy = listener.proxy(gh);
        Browser alice = new Browser(gh);
        Browser bob = new Browser(gh);
        Browser carol = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff");
      gh.createUser("bob", "bob-password");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/public","policy":"public"},
            {"path":"/staff","policy":"groups","groups":["staff"]},
            {"path":"/vault","policy":"two_factor"},
            {"path_regex":"\\\\.secret$","policy":"deny"},
            {"path":"/","policy":"authenticated"}]}""");
      gh.createApp(
          """
          {"name":"tools","hosts":["*.tools.example.test"],"rules":[
            {"path":"/","networks":["10.0.0.0/8"],"policy":"public"},
            {"path":"/","policy":"groups","groups":["staff"]}]}""");
      alice.login("alice", "alice-password");
      bob.login("bob", "bob-password");
      String device = alice.pairDevice("phone").token();
      gh.createUser("carol", "carol-password");
      carol.login("carol", "carol-password");
      AuthenticatorApp.enrol(carol, "", InstantSource.system());

      List<Case> mix =
          List.of(
              new Case(
                  200,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://wiki.example.test/vault",
                              "Cookie",
                              carol.cookieHeader())
                          .statusCode()),
              new Case(
                  302,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://wiki.example.test/vault",
                              "Cookie",
                              alice.cookieHeader(),
                              "Accept",
                              Proxy.HTML)
                          .statusCode()),
              new Case(
                  200,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET", "https://wiki.example.test/a", "Cookie", alice.cookieHeader())
                          .statusCode()),
              new Case(
                  403,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://wiki.example.test/staff",
                              "Cookie",
                              bob.cookieHeader())
                          .statusCode()),
              new Case(
                  200,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://wiki.example.test/staff",
                              "Authorization",
                              "Bearer " + device)
                          .statusCode()),
              new Case(
                  200,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://x.tools.example.test/",
                              "Cookie",
                              "gh_device=" + device)
                          .statusCode()),
              new Case(
                  200,
                  () ->
                      proxy.forwardAuth("GET", "https://wiki.example.test/public/x").statusCode()),
              new Case(
                  302,
                  () ->
                      proxy
                          .forwardAuth("GET", "https://wiki.example.test/a", "Accept", Proxy.HTML)
                          .statusCode()),
              new Case(
                  401,
                  () -> proxy.authRequest("GET", "https://x.tools.example.test/").statusCode()),
              new Case(
                  200,
                  () ->
                      proxy
                          .authRequest(
                              "GET", "https://x.tools.example.test/", "X-Forwarded-For", "10.9.9.9")
                          .statusCode()),
              new Case(
                  403,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://wiki.example.test/a.secret",
                              "Cookie",
                              alice.cookieHeader())
                          .statusCode()),
              new Case(
                  403,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET",
                              "https://unknown.example.test/",
                              "Cookie",
                              alice.cookieHeader())
                          .statusCode()),
              new Case(
                  401,
                  () ->
                      proxy
                          .forwardAuth(
                              "GET", "https://wiki.example.test/a", "Cookie", "gh_session=stale")
                          .statusCode()));
      for (Case decision : mix) {
        assertThat(decision.status().getAsInt()).isEqualTo(decision.expected());
      }

      gh.settle();
      StoreMetrics metrics = gh.gatehouse().store().metrics();
      long reads = metrics.readStatements();
      long writes = metrics.writeStatements();
      AtomicInteger wrong = new AtomicInteger();
      try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int offset = t;
          running.add(
              threads.submit(
                  () -> {
                    for (int i = offset; i < DECISIONS; i += 4) {
                      Case decision = mix.get(i % mix.size());
                      if (decision.status().getAsInt() != decision.expected()) {
                        wrong.incrementAndGet();
                      }
                    }
                  }));
        }
        for (Future<?> future : running) {
          future.get();
        }
      }

      assertThat(wrong).hasValue(0);
      assertThat(metrics.readStatements()).isEqualTo(reads);
      assertThat(metrics.writeStatements()).isEqualTo(writes);
    }
  }

  private record Case(int expected, IntSupplier status) {}
}
