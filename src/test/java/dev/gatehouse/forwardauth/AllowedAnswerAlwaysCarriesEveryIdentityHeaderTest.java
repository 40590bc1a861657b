package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Listener;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A proxy copies the identity headers from Gatehouse's answer onto the request it passes on; only a
 * header that is present overwrites one the client forged (and Caddy before 2.9 forwards its
 * placeholder text for a missing one). So an allowed answer carries all four, empty when unknown.
 */
class AllowedAnswerAlwaysCarriesEveryIdentityHeaderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Listener.class)
  void anonymousVisitOfPublicPathAnswersWithEmptyIdentityHeaders(Listener listener)
      throws Exception {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      assertThat(
              gh.post(
                      "/api/admin/apps",
                      """
                      {"name":"app","hosts":["app.example.test"],
                       "rules":[{"path":"/","policy":"public"}]}""")
                  .status())
          .isEqualTo(201);

      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(listener.uri(gh, "/api/authz/forward-auth"))
                  .header("X-Forwarded-Method", "GET")
                  .header("X-Forwarded-Proto", "https")
                  .header("X-Forwarded-Host", "app.example.test")
                  .header("X-Forwarded-Uri", "/")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      for (String name :
          new String[] {"Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"}) {
        assertThat(answer.headers().firstValue(name)).as(name).contains("");
      }
    }
  }
}
