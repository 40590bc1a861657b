package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Zoë's name reaches the app as written: Remote-Name and Remote-Email carry UTF-8 bytes, as
 * Authelia's do, never "Zo?". The JDK's HTTP client reads header bytes as ISO-8859-1, so the test
 * turns them back into bytes and decodes those as UTF-8.
 */
class NamesBeyondAsciiTravelAsUtf8Test {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void remoteNameAndEmailAreTheUtf8BytesOfTheStoredValues(Listener listener) {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = listener.proxy(gh);
        Browser zoe = new Browser(gh)) {
      TestGatehouse.Response created =
          gh.post(
              "/api/admin/users",
              "{\"username\":\"zoe\",\"display_name\":\"Zoë Ñúñez 张伟\","
                  + "\"email\":\"zoë@例え.test\",\"password\":\"zoe-password-1\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      gh.createApp(
          "{\"name\":\"photos\",\"hosts\":[\"photos.example.test\"],"
              + "\"rules\":[{\"policy\":\"authenticated\"}]}");
      assertThat(zoe.login("zoe", "zoe-password-1").statusCode()).isEqualTo(303);

      String url = "https://photos.example.test/";
      for (HttpResponse<String> response :
          List.of(
              proxy.forwardAuth("GET", url, "Cookie", zoe.cookieHeader()),
              proxy.authRequest("GET", url, "Cookie", zoe.cookieHeader()))) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(utf8(response, "Remote-Name")).isEqualTo("Zoë Ñúñez 张伟");
        assertThat(utf8(response, "Remote-Email")).isEqualTo("zoë@例え.test");
        assertThat(utf8(response, "Remote-User")).isEqualTo("zoe");
      }
    }
  }

  private static String utf8(HttpResponse<String> response, String header) {
    String latin1 = response.headers().firstValue(header).orElseThrow();
    return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
