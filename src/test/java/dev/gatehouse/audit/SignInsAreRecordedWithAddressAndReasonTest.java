package dev.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-ins, refused sign-ins, logouts and revocations on the account page are in the log with the
 * address and user agent. A refused sign-in records why, though the answer is the same for an
 * unknown user, a wrong password and a disabled account.
 */
class SignInsAreRecordedWithAddressAndReasonTest {
  @TempDir Path dir;

  @Test
  void failuresRecordTheirReasonWhileTheAnswerStaysTheSame() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser browser = new Browser(gh)) {
      gh.createUser("frank", "frank-password");
      String grace = gh.createUser("grace", "grace-password");
      assertThat(gh.patch("/api/admin/users/" + grace, "{\"disabled\":true}").status())
          .isEqualTo(200);

      HttpResponse<String> unknown = browser.login("nobody", "whatever-password");
      HttpResponse<String> wrong = browser.login("frank", "not-franks-password");
      HttpResponse<String> disabled = browser.login("grace", "grace-password");
      // The form echoes the username back; apart from that the three answers are one.
      assertThat(List.of(unknown, wrong, disabled))
          .extracting(HttpResponse::statusCode)
          .containsOnly(401);
      // Each page carries a fresh passkey challenge; everything else is the same.
      assertThat(page(wrong.body()).replace("frank", "nobody")).isEqualTo(page(unknown.body()));
      assertThat(page(disabled.body()).replace("grace", "nobody")).isEqualTo(page(unknown.body()));

      List<JsonNode> failed = AuditLog.events(gh, "kind=sign_in_failed");
      assertThat(failed)
          .extracting(e -> e.get("subject_username").asText() + " " + e.get("reason").asText())
          .containsExactly("grace disabled", "frank wrong_password", "nobody unknown_user");
      assertThat(failed)
          .allSatisfy(
              e -> {
                assertThat(e.get("ip").asText()).isEqualTo("127.0.0.1");
                assertThat(e.get("actor_kind").asText()).isEqualTo("anonymous");
                assertThat(e.get("user_agent").asText()).isNotEmpty();
                assertThat(e.toString()).doesNotContain("-password");
              });
      assertThat(failed.get(0).get("subject_user_id").asText()).isEqualTo(grace);
      assertThat(failed.get(2).has("subject_user_id")).isFalse();
    }
  }

  @Test
  void signInRevocationsAndLogoutAreRecordedAsTheUser() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Browser phone = new Browser(gh);
        Browser laptop = new Browser(gh)) {
      String heidi = gh.createUser("heidi", "heidi-password");
      assertThat(phone.login("heidi", "heidi-password").statusCode()).isEqualTo(303);
      assertThat(laptop.login("heidi", "heidi-password").statusCode()).isEqualTo(303);
      String phoneSession = Secrets.digest(phone.cookie("gh_session")).substring(0, 16);
      Browser.PairedDevice device = laptop.pairDevice("tv");

      assertThat(
              laptop.submit("/account/sessions/" + phoneSession + "/revoke", Map.of()).statusCode())
          .isEqualTo(303);
      assertThat(
              laptop.submit("/account/devices/" + device.id() + "/revoke", Map.of()).statusCode())
          .isEqualTo(303);
      assertThat(laptop.submit("/logout", Map.of()).statusCode()).isEqualTo(303);

      List<JsonNode> events = AuditLog.events(gh, "user=heidi");
      assertThat(events)
          .extracting(e -> e.get("kind").asText())
          .containsExactly(
              "logout", "device_revoked", "session_revoked", "sign_in", "sign_in", "admin_change");
      assertThat(events.subList(0, 5))
          .allSatisfy(
              e -> {
                assertThat(e.get("actor_kind").asText()).isEqualTo("user");
                assertThat(e.get("actor_id").asText()).isEqualTo(heidi);
                assertThat(e.get("subject_user_id").asText()).isEqualTo(heidi);
                assertThat(e.get("ip").asText()).isEqualTo("127.0.0.1");
              });
      assertThat(events.get(1).get("object_id").asText()).isEqualTo(device.id());
      assertThat(events.get(2).get("object_id").asText()).isEqualTo(phoneSession);
      assertThat(AuditLog.events(gh, "user=" + heidi))
          .extracting(e -> e.get("id").asLong())
          .containsExactlyElementsOf(events.stream().map(e -> e.get("id").asLong()).toList());
    }
  }

  private static String page(String body) {
    return body.replaceAll("data-options=\"[^\"]*\"", "data-options");
  }
}
