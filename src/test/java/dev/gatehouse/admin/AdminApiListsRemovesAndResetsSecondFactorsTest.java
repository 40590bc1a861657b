package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.AuthenticatorApp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator helps a user who lost their phone: the API lists what second factors the user
 * has (never a secret), removes one, or resets them all; a removal that finds nothing is a 404, and
 * every removal is in the audit log with the API key as the actor. After a reset the user signs in
 * with the password alone and has nothing left to prove.
 */
class AdminApiListsRemovesAndResetsSecondFactorsTest {
  @TempDir Path dir;

  @Test
  void listsRemovesOneResetsTheRestAndAuditsEachRemoval() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
        Browser bob = new Browser(gh)) {
      String bobId = gh.createUser("bob", "bob-password");
      String factors = "/api/admin/users/" + bobId + "/factors";
      TestGatehouse.Response none = gh.get(factors);
      assertThat(none.status()).isEqualTo(200);
      assertThat(none.json().get("totp").asBoolean()).isFalse();
      assertThat(none.json().get("recovery_codes").asInt()).isZero();

      bob.login("bob", "bob-password");
      AuthenticatorApp.Enrolled enrolled = AuthenticatorApp.enrol(bob, "", clock);
      assertThat(enrolled.codes()).hasSize(10);

      TestGatehouse.Response listed = gh.get(factors);
      assertThat(listed.status()).isEqualTo(200);
      JsonNode json = listed.json();
      assertThat(json.get("totp").asBoolean()).isTrue();
      assertThat(json.get("recovery_codes").asInt()).isEqualTo(10);
      assertThat(json.get("passkeys").isArray()).isTrue();
      assertThat(json.get("passkeys")).isEmpty();
      // What the API shows of a factor: whether it is there and when it was used; no key, no code.
      List<String> fields = new ArrayList<>();
      json.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsOnly("totp", "totp_last_used", "passkeys", "recovery_codes");
      assertThat(json.get("totp_last_used").isNull() || json.get("totp_last_used").isTextual())
          .isTrue();
      for (String code : enrolled.codes()) {
        assertThat(listed.body()).doesNotContain(code);
      }

      TestGatehouse.Response removed = gh.delete(factors + "/totp");
      assertThat(removed.status()).as(removed.body()).isEqualTo(204);
      JsonNode afterRemoval = gh.get(factors).json();
      assertThat(afterRemoval.get("totp").asBoolean()).isFalse();
      assertThat(afterRemoval.get("recovery_codes").asInt()).isEqualTo(10);
      TestGatehouse.Response again = gh.delete(factors + "/totp");
      assertThat(again.status()).isEqualTo(404);
      assertThat(again.json().get("error").asText()).isEqualTo("not_found");
      assertThat(again.json().get("message").asText()).contains("bob", "totp");

      // Reset: the recovery codes left go too; then there is nothing left to reset.
      TestGatehouse.Response reset = gh.delete(factors);
      assertThat(reset.status()).as(reset.body()).isEqualTo(204);
      assertThat(gh.get(factors).json().get("recovery_codes").asInt()).isZero();
      TestGatehouse.Response nothing = gh.delete(factors);
      assertThat(nothing.status()).isEqualTo(404);
      assertThat(nothing.json().get("error").asText()).isEqualTo("not_found");
      assertThat(gh.delete(factors + "/recovery_codes").status()).isEqualTo(404);
      assertThat(gh.delete(factors + "/no-such-passkey").status()).isEqualTo(404);

      List<JsonNode> audited = AuditLog.events(gh, "kind=second_factor_removed");
      assertThat(audited)
          .extracting(e -> e.get("object_id").asText())
          .containsExactlyInAnyOrder("totp", "all");
      assertThat(audited)
          .allSatisfy(
              e -> {
                assertThat(e.get("actor_kind").asText()).isEqualTo("api_key");
                assertThat(e.get("actor_name").asText()).isEqualTo("bootstrap");
                assertThat(e.get("subject_user_id").asText()).isEqualTo(bobId);
                assertThat(e.get("subject_username").asText()).isEqualTo("bob");
              });

      // Bob signs in with his password alone and has no factor to prove or to manage.
      bob.submit("/logout", Map.of());
      HttpResponse<String> signIn = bob.login("bob", "bob-password");
      assertThat(signIn.headers().firstValue("Location")).hasValue("/account");
      HttpResponse<String> account = bob.get("/account");
      assertThat(account.statusCode()).isEqualTo(200);
      assertThat(account.body())
          .doesNotContain("action=\"/account/totp/remove\"")
          .doesNotContain("action=\"/account/recovery-codes\"");
      HttpResponse<String> verify = bob.get("/login/verify");
      assertThat(verify.headers().firstValue("Location")).hasValue("/login/enrol");
    }
  }

  @Test
  void unknownUserIsA404() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      for (TestGatehouse.Response answer :
          List.of(
              gh.get("/api/admin/users/nobody/factors"),
              gh.delete("/api/admin/users/nobody/factors"),
              gh.delete("/api/admin/users/nobody/factors/totp"))) {
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("error").asText()).isEqualTo("not_found");
        assertThat(answer.json().get("message").asText()).contains("nobody");
      }
      assertThat(AuditLog.events(gh, "kind=second_factor_removed")).isEmpty();
    }
  }
}
