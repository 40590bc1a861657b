package dev.gatehouse.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every portal page's CSP has {@code form-action}: 'self' alone where a form stays on the portal,
 * plus exactly the origin the form's answer redirects on to where it leaves (browsers apply
 * form-action to those redirects): the app after sign-in, the client after consent or logout, the
 * client that the form_post page posts to.
 */
class FormActionAllowsOnlyThePortalAndWhereTheFormLeadsTest {
  private static final String CALLBACK = "https://rp.example.test:8443/cb";
  private static final String AUTHORIZE =
      "/oidc/authorize?response_type=code&scope=openid&state=s&client_id=rp"
          + "&code_challenge_method=S256&code_challenge="
          + "A".repeat(43)
          + "&redirect_uri="
          + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8);

  @TempDir Path dir;

  private static String csp(HttpResponse<String> page) {
    return page.headers().firstValue("Content-Security-Policy").orElseThrow();
  }

  @Test
  void formActionFollowsTheFormsTarget() {
    try (TestGatehouse gh = Provider.start(dir)) {
      Provider.client(
          gh,
          "{\"client_id\":\"rp\",\"public\":true,\"first_party\":false,\"redirect_uris\":[\""
              + CALLBACK
              + "\"],\"post_logout_redirect_uris\":[\"https://rp.example.test/bye\"],"
              + "\"scopes\":[\"openid\"]}");
      gh.createApp(
          "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
              + "\"rules\":[{\"path\":\"/\",\"policy\":\"authenticated\"}]}");
      Browser browser = new Browser(gh.uri("/"));

      assertThat(csp(browser.get("/login"))).contains("form-action 'self';");
      assertThat(csp(browser.get("/login?rd=https%3A%2F%2Fwiki.example.test%2Fx")))
          .contains("form-action 'self' https://wiki.example.test;");
      assertThat(csp(browser.get("/login?rd=https%3A%2F%2Fevil.example%2Fx")))
          .contains("form-action 'self';");
      String toLogin = Browser.location(browser.get(AUTHORIZE));
      assertThat(csp(browser.get(toLogin)))
          .contains("form-action 'self' https://rp.example.test:8443;");

      browser.signIn("/login", "alice", Provider.PASSWORD);
      HttpResponse<String> consent = browser.get(AUTHORIZE);
      assertThat(consent.body()).contains("wants to access your account");
      assertThat(csp(consent)).contains("form-action 'self' https://rp.example.test:8443;");
      assertThat(csp(browser.get("/account"))).contains("form-action 'self';");

      Map<String, String> allow = Browser.hiddenFields(consent.body());
      allow.put("decision", "allow");
      allow.put("response_mode", "form_post");
      HttpResponse<String> formPost = browser.post("/oidc/authorize/consent", allow);
      assertThat(formPost.body()).contains("action=\"" + CALLBACK + "\"");
      assertThat(csp(formPost)).contains("form-action 'self' https://rp.example.test:8443;");

      HttpResponse<String> logout =
          browser.get(
              "/oidc/logout?client_id=rp&post_logout_redirect_uri="
                  + URLEncoder.encode("https://rp.example.test/bye", StandardCharsets.UTF_8));
      assertThat(csp(logout)).contains("form-action 'self' https://rp.example.test;");
    }
  }
}
