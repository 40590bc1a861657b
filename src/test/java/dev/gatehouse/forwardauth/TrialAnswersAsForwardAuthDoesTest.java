package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.app.Trial;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's "try a request" is forward-auth's own decision: for each request, the trial and a
 * real forward-auth request over HTTP, carrying a real session of the same user, answer the same
 * status with the same identity headers, and nginx's endpoint the same sign-in location. The trial
 * also names the rule that decided.
 */
class TrialAnswersAsForwardAuthDoesTest {
  private static final String WIKI = "https://wiki.example.test";
  @TempDir Path dir;

  /** One request: who asks (null: nobody), from where (null: no X-Forwarded-For). */
  private record Case(
      String method, String url, String user, String from, Trial.Verdict verdict, int rule) {}

  @Test
  void trialsAndRealRequestsAgree() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser bob = new Browser(gh);
        Browser carol = new Browser(gh)) {
      gh.createUser("alice", "alice-password", "staff");
      gh.createUser("bob", "bob-password");
      gh.createUser("carol", "carol-password", "staff", "ops");
      gh.createApp(
          """
          {"name":"wiki","hosts":["wiki.example.test"],"rules":[
            {"path":"/health","policy":"public"},
            {"path":"/admin","policy":"two_factor","groups":["staff"]},
            {"path":"/internal","networks":["10.0.0.0/8"],"policy":"public"},
            {"path":"/staff","methods":["GET"],"policy":"groups","groups":["staff"]},
            {"path_regex":"^/blocked","policy":"deny"}]}""");
      alice.login("alice", "alice-password");
      bob.login("bob", "bob-password");
      carol.login("carol", "carol-password");
      AuthenticatorApp.enrol(carol, "", clock);
      Map<String, Browser> sessions = Map.of("alice", alice, "bob", bob, "carol", carol);

      List<Case> cases =
          List.of(
              new Case("GET", WIKI + "/health", null, null, Trial.Verdict.ALLOW, 0),
              new Case("GET", WIKI + "/health", "alice", null, Trial.Verdict.ALLOW, 0),
              new Case("GET", WIKI + "/staff/page?x=1", "bob", null, Trial.Verdict.DENY, 3),
              new Case("GET", WIKI + "/staff/page?x=1", "alice", null, Trial.Verdict.ALLOW, 3),
              new Case("POST", WIKI + "/staff/page", "alice", null, Trial.Verdict.ALLOW, -1),
              new Case("GET", WIKI + "/staff", null, null, Trial.Verdict.SIGN_IN, 3),
              new Case(
                  "GET", WIKI + "/admin/settings?tab=2", "alice", null, Trial.Verdict.STEP_UP, 1),
              new Case("GET", WIKI + "/admin/settings", "carol", null, Trial.Verdict.ALLOW, 1),
              new Case("GET", WIKI + "/admin", "bob", null, Trial.Verdict.DENY, 1),
              new Case("GET", WIKI + "/internal", null, "10.1.2.3", Trial.Verdict.ALLOW, 2),
              new Case("GET", WIKI + "/internal", null, "192.168.1.9", Trial.Verdict.SIGN_IN, -1),
              new Case("GET", WIKI + "/BLOCKED", "carol", null, Trial.Verdict.ALLOW, -1),
              new Case("GET", WIKI + "/blocked/x", "carol", null, Trial.Verdict.DENY, 4),
              new Case("GET", WIKI + "/%61dmin", "alice", null, Trial.Verdict.STEP_UP, 1),
              new Case(
                  "GET", WIKI + "/public/../admin", "carol", null, Trial.Verdict.BAD_REQUEST, -1),
              new Case(
                  "GET", "https://nowhere.example.test/", "carol", null, Trial.Verdict.DENY, -1));

      SoftAssertions softly = new SoftAssertions();
      for (Case c : cases) {
        String as = c.method() + " " + c.url() + " as " + c.user() + " from " + c.from();
        Trial trial =
            gh.gatehouse()
                .gateway()
                .trial(c.method(), c.url(), c.user(), "carol".equals(c.user()), c.from());
        List<String> headers = new ArrayList<>();
        if (c.user() != null) {
          headers.addAll(List.of("Cookie", sessions.get(c.user()).cookieHeader()));
        }
        if (c.from() != null) {
          headers.addAll(List.of("X-Forwarded-For", c.from()));
        }
        String[] sent = headers.toArray(String[]::new);
        HttpResponse<String> traefik = proxy.forwardAuth(c.method(), c.url(), sent);
        HttpResponse<String> nginx = proxy.authRequest(c.method(), c.url(), sent);

        softly.assertThat(trial.verdict()).as(as).isEqualTo(c.verdict());
        softly.assertThat(trial.status()).as(as).isEqualTo(traefik.statusCode());
        softly.assertThat(trial.status()).as(as).isEqualTo(nginx.statusCode());
        softly
            .assertThat(trial.access() == null ? -1 : trial.access().rule())
            .as(as)
            .isEqualTo(c.rule());
        softly
            .assertThat(trial.location())
            .as(as)
            .isEqualTo(nginx.headers().firstValue("Location").orElse(""));
        for (String name : List.of("Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name")) {
          softly
              .assertThat(
                  trial.headers().stream()
                      .filter(h -> h.name().equals(name))
                      .map(Trial.Header::value)
                      .findFirst())
              .as(as + " " + name)
              .isEqualTo(traefik.headers().firstValue(name));
        }
      }
      softly.assertAll();
      Trial allowed = gh.gatehouse().gateway().trial("GET", WIKI + "/staff", "alice", false, null);
      assertThat(allowed.app()).isNotNull();
      assertThat(allowed.headers())
          .contains(
              new Trial.Header("Remote-User", "alice"),
              new Trial.Header("Remote-Email", "alice@example.test"));
    }
  }

  @Test
  void unknownAndDisabledUsersAndBadAddressesAreNamed() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      String dave = gh.createUser("dave", "dave-password");
      gh.patch("/api/admin/users/" + dave, "{\"disabled\":true}");
      Gateway gateway = gh.gatehouse().gateway();

      assertThat(fieldOf(() -> gateway.trial("GET", WIKI + "/", "nobody", false, null)))
          .isEqualTo("user");
      assertThat(fieldOf(() -> gateway.trial("GET", WIKI + "/", "dave", false, null)))
          .isEqualTo("user");
      assertThat(fieldOf(() -> gateway.trial("GET", WIKI + "/", null, false, "10.0.0.x")))
          .isEqualTo("client_address");
    }
  }

  private static String fieldOf(Runnable trial) {
    try {
      trial.run();
    } catch (Failure.Invalid e) {
      return e.field();
    }
    throw new AssertionError("the trial was not refused");
  }
}
