package dev.gatehouse.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A passkey's signed answer signs in once for the whole cluster: replayed to another node within
 * the challenge's lifetime (which any node accepts, the challenge being stateless), it is refused,
 * because the node that accepted it recorded the challenge as spent in the database in the same
 * unit that signed the user in. Failed before the record: each node kept its own spent set.
 */
@Tag(TestBackend.OWN_DATABASE)
class PasskeyAnswersAreSpentForTheWholeClusterTest {
  private static final Pattern REGISTER =
      Pattern.compile("data-webauthn=\"register\"[^>]*data-options=\"([^\"]+)\"");
  private static final Pattern AUTHENTICATE =
      Pattern.compile("data-webauthn=\"authenticate\"[^>]*data-options=\"([^\"]+)\"");

  @TempDir Path dir;

  @Test
  void anAnswerAcceptedByOneNodeIsRefusedByAnother() {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse a = cluster.start();
      TestGatehouse b = cluster.start();
      a.createUser("alice", "alice-password");
      SoftAuthenticator key = new SoftAuthenticator("http://127.0.0.1:0", "127.0.0.1");
      try (Browser owner = new Browser(a)) {
        owner.login("alice", "alice-password");
        String options = options(REGISTER, owner.get("/login/enrol?rd=%2Faccount"));
        String credential = key.create(options, SoftAuthenticator.Attestation.NONE);
        assertThat(
                owner
                    .submit(
                        "/login/enrol/passkey",
                        Map.of("rd", "/account", "name", "Laptop", "credential", credential))
                    .statusCode())
            .isEqualTo(200);
      }

      String answer;
      try (Browser onA = new Browser(a)) {
        answer = key.get(options(AUTHENTICATE, onA.get("/login")));
        HttpResponse<String> signedIn = onA.submit("/login/passkey", Map.of("credential", answer));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(onA.cookie("gh_session")).isNotNull();
      }
      try (Browser onB = new Browser(b)) {
        onB.get("/login");
        HttpResponse<String> replayed = onB.submit("/login/passkey", Map.of("credential", answer));
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
        assertThat(replayed.body()).contains("already used");
        assertThat(onB.cookie("gh_session")).isNull();
      }
    }
  }

  private static String options(Pattern form, HttpResponse<String> page) {
    Matcher options = form.matcher(page.body());
    assertThat(options.find()).as(page.body()).isTrue();
    return options.group(1).replace("&#34;", "\"").replace("&quot;", "\"");
  }
}
