package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UnauthenticatedRequestIsSentToSignInTest {
  private static final String PAGE = "https://wiki.example.test/docs/page?q=a%20b&x=1";
  private static final String SIGN_IN =
      "https://auth.example.test/login?rd=" + URLEncoder.encode(PAGE, StandardCharsets.UTF_8);

  @TempDir static Path dir;
  static TestGatehouse gh;
  static Map<Listener, Proxy> proxies = new EnumMap<>(Listener.class);

  @BeforeAll
  static void start() {
    gh =
        TestGatehouse.start(
            dir, Map.of("GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.test"));
    for (Listener listener : Listener.values()) {
      proxies.put(listener, listener.proxy(gh));
    }
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
  }

  @AfterAll
  static void stop() {
    proxies.values().forEach(Proxy::close);
    gh.close();
  }

  @ParameterizedTest
  @EnumSource(Listener.class)
  void browserNavigationIsRedirectedToTheLoginPageWithTheOriginalUrl(Listener listener) {
    Proxy proxy = proxies.get(listener);
    for (String method : new String[] {"GET", "HEAD"}) {
      HttpResponse<String> response = proxy.forwardAuth(method, PAGE, "Accept", Proxy.HTML);
      assertThat(response.statusCode()).isEqualTo(302);
      assertThat(response.headers().firstValue("Location")).hasValue(SIGN_IN);
    }
  }

  @ParameterizedTest
  @EnumSource(Listener.class)
  void requestsThatAreNotPageLoadsGet401(Listener listener) {
    Proxy proxy = proxies.get(listener);
    assertThat(proxy.forwardAuth("GET", PAGE, "Accept", "application/json").statusCode())
        .isEqualTo(401);
    assertThat(proxy.forwardAuth("GET", PAGE).statusCode()).isEqualTo(401);
    assertThat(proxy.forwardAuth("POST", PAGE, "Accept", Proxy.HTML).statusCode()).isEqualTo(401);
    assertThat(proxy.forwardAuth("DELETE", PAGE, "Accept", Proxy.HTML).statusCode()).isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(Listener.class)
  void authRequestAlwaysAnswers401WithTheLoginPageForNginxToRedirectTo(Listener listener) {
    Proxy proxy = proxies.get(listener);
    for (HttpResponse<String> response :
        List.of(
            proxy.authRequest("GET", PAGE, "Accept", Proxy.HTML), proxy.authRequest("GET", PAGE))) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("Location")).hasValue(SIGN_IN);
    }
  }

  @ParameterizedTest
  @EnumSource(Listener.class)
  void deadCredentialsAreTreatedAsNone(Listener listener) {
    Proxy proxy = proxies.get(listener);
    assertThat(
            proxy
                .forwardAuth("GET", PAGE, "Cookie", "gh_session=forged; gh_device=gh_dt_forged")
                .statusCode())
        .isEqualTo(401);
    assertThat(proxy.forwardAuth("GET", PAGE, "Authorization", "Bearer gh_dt_forged").statusCode())
        .isEqualTo(401);
  }
}
