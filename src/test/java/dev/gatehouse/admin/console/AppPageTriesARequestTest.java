package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditQuery;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Try a request" on an app's page shows forward-auth's answer: which rule matched, the verdict
 * with its status, and the identity headers the upstream would get; a user who does not exist is
 * named at the field. Trying changes nothing and records nothing.
 */
class AppPageTriesARequestTest {
  @TempDir Path dir;

  @Test
  void showsTheMatchedRuleTheVerdictAndTheHeaders() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      Browser ada = admin.browser();
      gh.createUser("alice", "alice-password", "staff");
      gh.createUser("bob", "bob-password");
      String id =
          gh.createApp(
              """
              {"name":"grafana","hosts":["grafana.home"],"rules":[
                {"path":"/public","policy":"public"},
                {"path":"/admin","policy":"groups","groups":["staff"]},
                {"path":"/vault","policy":"two_factor"}]}""");
      String self = "/admin/apps/" + id;
      String page = ada.get(self).body();
      Map<String, String> form = PageForm.fields(page, self + "/try#try");
      assertThat(form).containsEntry("url", "").containsEntry("method", "GET");
      assertThat(page).contains("Absolute, such as https://grafana.home/admin?x=1");
      HttpResponse<String> empty = ada.post(self + "/try", form);
      assertThat(empty.statusCode()).isEqualTo(400);
      assertThat(empty.body())
          .contains(
              "<p class=\"field-error\" id=\"url-note\">a URL is required, such as"
                  + " https://grafana.home/admin?x=1</p>");
      long events = events(gh);

      form.put("url", "https://grafana.home/admin?x=1");
      form.put("user", "alice");
      HttpResponse<String> allowed = ada.post(self + "/try", form);
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body())
          .contains("class=\"verdict allow\"")
          .contains("<strong>Allow</strong> · forward-auth answers 200")
          .contains("Rule 2 matched: path /admin → groups (staff).")
          .containsPattern("Remote-User</td><td class=\"left\">alice</td>")
          .containsPattern("Remote-Groups</td><td class=\"left\">staff</td>")
          .containsPattern("Remote-Email</td><td class=\"left\">alice@example.test</td>")
          .containsPattern("Remote-Name</td><td class=\"left\">User alice</td>");
      assertThat(PageForm.fields(allowed.body(), self + "/try#try"))
          .containsEntry("url", "https://grafana.home/admin?x=1")
          .containsEntry("user", "alice");

      form.put("user", "bob");
      assertThat(ada.post(self + "/try", form).body())
          .contains("<strong>Deny</strong> · forward-auth answers 403")
          .contains("Rule 2 matched")
          .doesNotContain("Remote-User");

      form.put("url", "https://grafana.home/vault/keys");
      form.put("user", "alice");
      assertThat(ada.post(self + "/try", form).body())
          .contains("<strong>Step up: prove a second factor</strong> · forward-auth answers 401")
          .contains("Rule 3 matched: path /vault → two_factor.")
          .contains("/login/verify?rd=https%3A%2F%2Fgrafana.home%2Fvault%2Fkeys");
      form.put("two_factor", "on");
      assertThat(ada.post(self + "/try", form).body()).contains("<strong>Allow</strong>");

      form.remove("two_factor");
      form.put("url", "https://grafana.home/dashboards");
      form.put("user", "");
      assertThat(ada.post(self + "/try", form).body())
          .contains("<strong>Sign in</strong> · forward-auth answers 401")
          .contains("No rule matched → default: sign-in required (authenticated).");

      form.put("url", "https://grafana.home/public/..%2fadmin");
      assertThat(ada.post(self + "/try", form).body())
          .contains("<strong>Bad request</strong> · forward-auth answers 400");

      form.put("url", "https://grafana.home/public/status");
      form.put("user", "nobody");
      HttpResponse<String> unknown = ada.post(self + "/try", form);
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body())
          .contains("<p class=\"field-error\" id=\"user-note\">no user is named nobody</p>")
          .doesNotContain("class=\"verdict");
      assertThat(PageForm.fields(unknown.body(), self + "/try#try"))
          .containsEntry("url", "https://grafana.home/public/status")
          .containsEntry("user", "nobody");

      assertThat(events(gh)).as("trying records nothing").isEqualTo(events);
    }
  }

  private static long events(TestGatehouse gh) {
    return gh.gatehouse()
        .audit()
        .query(new AuditQuery(null, null, null, null, Set.of(), null, null, 200))
        .events()
        .size();
  }
}
