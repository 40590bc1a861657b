package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Traefik can only strip a request header by listing it in {@code authResponseHeaders}: it then
 * deletes the request's and copies Gatehouse's, if any. So an allowed answer carries the request's
 * cookies without Gatehouse's own as {@code Cookie}, and none when nothing else is left: listed,
 * the app keeps its cookies and never sees a session it could replay against other apps.
 */
class AllowedAnswerCarriesTheAppsCookiesForTraefikTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void theAppsCookiesComeBackWithoutGatehouses(Listener listener) {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = listener.proxy(gh);
        Browser alice = new Browser(gh)) {
      gh.createUser("alice", "alice-password");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      alice.login("alice", "alice-password");
      String session = "gh_session=" + alice.cookie("gh_session");

      HttpResponse<String> mixed =
          proxy.forwardAuth(
              "GET",
              PAGE,
              "Cookie",
              "app_sid=1; " + session + "; __Host-gh_csrf=x; theme=dark; gh_known=y");
      assertThat(mixed.statusCode()).isEqualTo(200);
      assertThat(mixed.headers().allValues("Cookie")).containsExactly("app_sid=1; theme=dark");

      HttpResponse<String> ours = proxy.forwardAuth("GET", PAGE, "Cookie", session);
      assertThat(ours.statusCode()).isEqualTo(200);
      assertThat(ours.headers().allValues("Cookie")).isEmpty();

      HttpResponse<String> refused =
          proxy.forwardAuth("GET", PAGE, "Accept", "application/json", "Cookie", "app_sid=1");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().allValues("Cookie")).isEmpty();
    }
  }

  @Test
  void aRequestWithoutGatehouseCookiesIsPassedAsItIs() {
    assertThat(dev.gatehouse.web.Cookies.withoutGatehouses("a=1; b=2")).isEqualTo("a=1; b=2");
    assertThat(dev.gatehouse.web.Cookies.withoutGatehouses("gh_session=s")).isNull();
    assertThat(dev.gatehouse.web.Cookies.withoutGatehouses("xgh_keep=1;gh_a=2;ref=gh_x"))
        .isEqualTo("xgh_keep=1; ref=gh_x");
    assertThat(dev.gatehouse.web.Cookies.withoutGatehouses(null)).isNull();
  }
}
