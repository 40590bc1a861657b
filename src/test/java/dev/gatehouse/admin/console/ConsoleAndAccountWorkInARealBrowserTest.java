package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Chrome;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console and the account page in headless Chromium, as people use them: the admin signs in,
 * creates a group, a user, an app with two rules (reordered), tries a request against it, registers
 * an OIDC client; the new user signs in, changes the password, sets up an authenticator app and
 * revokes another session. On every page: nothing refused by the content security policy, no script
 * error, every field labelled, the skip link first in the tab order.
 *
 * <p>Screenshots go to {@code target/screenshots}; with {@code GATEHOUSE_UPDATE_SCREENSHOTS=1} they
 * are copied to {@code docs/screenshots}, where docs/console.md shows them.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAndAccountWorkInARealBrowserTest {
  private static final Path DOCS = Path.of("docs", "screenshots");
  private static final String CAROL_PASSWORD = "first carol passphrase";
  private static final String CAROL_NEW_PASSWORD = "second carol passphrase";

  /** Inputs, selects, textareas without a label, and buttons or links without a name. */
  private static final String UNLABELLED =
      """
      const bad = [];
      document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(e => {
        if (e.closest('[hidden]') || e.hidden) return;
        const label = (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'))
          || e.closest('label') || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
        if (!label) bad.push(e.outerHTML.substring(0, 160));
      });
      document.querySelectorAll('button, a').forEach(e => {
        if (!(e.textContent.trim() || e.getAttribute('aria-label'))) bad.push(e.outerHTML.substring(0, 160));
      });
      return bad;
      """;

  private final TestClock clock = new TestClock();
  private Chrome chrome;
  private TestGatehouse gatehouse;
  private URI portal;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException, InterruptedException {
    chrome = Chrome.start(dir);
    gatehouse = TestGatehouse.start(dir.resolve("data"), Map.of(), clock);
    portal = gatehouse.uri("/");
  }

  @AfterAll
  void stop() {
    for (AutoCloseable resource : new AutoCloseable[] {gatehouse, chrome}) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Nothing refused by the CSP, no script error, no advice on forms; the one resource error allowed
   * is the 400 of a form the test fills wrongly on purpose.
   */
  @AfterEach
  void consoleIsClean() throws IOException, InterruptedException {
    assertThat(chrome.consoleLog())
        .filteredOn(
            line -> !line.endsWith("the server responded with a status of 400 (Bad Request)"))
        .as("Chrome's console (CSP violations and script errors land here)")
        .noneMatch(
            line ->
                line.startsWith("SEVERE")
                    || line.contains("Content Security Policy")
                    || line.contains("[DOM]"));
  }

  @Test
  void anAdminSetsUpAnAppAndItsUserLooksAfterTheirAccount() throws Exception {
    // The admin signs in and lands on the page they asked for.
    open("/admin");
    assertThat(chrome.url()).contains("/login?rd=%2Fadmin");
    chrome.type("#username", "admin");
    chrome.type("#password", TestGatehouse.ADMIN_PASSWORD);
    chrome.click("form[action='/login'] button");
    assertThat(chrome.awaitUrl(url -> url.endsWith("/admin"))).endsWith("/admin");
    checkPage("console-overview.png");
    assertThat(chrome.tab(1)).as("the first stop of the tab order").contains("Skip to content");

    // A group.
    open("/admin/groups");
    assertThat(chrome.source()).contains("admins");
    chrome.type("form[action='/admin/groups'] #name", "family");
    chrome.click("form[method=post][action='/admin/groups'] button[type=submit]");
    chrome.awaitUrl(url -> url.contains("done=created"));
    assertThat(gatehouse.get("/api/admin/groups/family").status()).isEqualTo(200);
    open("/admin/groups");
    checkPage("console-groups.png");

    // A user in it: a refused field first (shown at the field, the rest kept), then created.
    open("/admin/users/new");
    chrome.type("#username", "Admin");
    chrome.type("#display_name", "Carol Danvers");
    chrome.type("#email", "carol@example.test");
    chrome.type("#password", CAROL_PASSWORD);
    chrome.type("#groups", "family");
    chrome.click("form[action='/admin/users'] button[type=submit]");
    chrome.awaitUrl(url -> url.endsWith("/admin/users"));
    assertThat(chrome.text("#username-note")).isEqualTo("username admin is taken");
    assertThat(chrome.source()).contains("value=\"Carol Danvers\"");
    checkPage("console-field-error.png");
    chrome.clear("#username");
    chrome.type("#username", "carol");
    chrome.type("#password", CAROL_PASSWORD);
    chrome.click("form[action='/admin/users'] button[type=submit]");
    assertThat(chrome.awaitUrl(url -> url.contains("done=created"))).contains("/admin/users/");
    assertThat(chrome.source()).contains("Carol Danvers").contains("href=\"/admin/groups/family\"");
    checkPage("console-user.png");
    open("/admin/users?q=danvers");
    assertThat(chrome.texts("tbody tr")).hasSize(1);
    checkPage("console-users.png");

    // An app with two rules, the second moved above the first, then saved.
    open("/admin/apps/new");
    chrome.type("#name", "photos");
    chrome.type("#hosts", "photos.home.test");
    while (chrome.texts("ol.rules > li").size() < 2) {
      chrome.click("button[name=op][value=add]");
      Thread.sleep(100);
    }
    chrome.type("[name='rules[0].path']", "/");
    chrome.click("select[name='rules[0].policy'] option[value=groups]");
    chrome.type("[name='rules[0].groups']", "family");
    chrome.type("[name='rules[1].path']", "/share/");
    chrome.click("select[name='rules[1].policy'] option[value=public]");
    chrome.click("button[name=op][value='up:1']");
    assertThat(chrome.awaitUrl(url -> true)).isNotNull();
    Thread.sleep(200);
    chrome.click("button[name=op][value=save]:not(.skip)");
    assertThat(chrome.awaitUrl(url -> url.contains("done=created"))).contains("/admin/apps/");
    String appId = chrome.url().replaceAll(".*/admin/apps/([^?#]+).*", "$1");
    JsonNode rules = gatehouse.get("/api/admin/apps/" + appId).json().get("rules");
    assertThat(rules.get(0).get("path").asText()).isEqualTo("/share/");
    assertThat(rules.get(0).get("policy").asText()).isEqualTo("public");
    assertThat(rules.get(1).get("policy").asText()).isEqualTo("groups");
    checkPage("console-app.png");

    // Try a request: carol on a family page gets in, and the upstream would be told it is her.
    chrome.type("#url", "https://photos.home.test/albums/2026?sort=date");
    chrome.type("#user", "carol");
    chrome.click("form[action$='/try#try'] button[type=submit]");
    chrome.awaitUrl(url -> url.endsWith("/try#try"));
    String verdict = chrome.text(".verdict");
    assertThat(verdict).contains("200").contains("Rule 2").contains("carol").contains("family");
    checkPage("console-try.png");

    // An OIDC client: its secret shown once.
    open("/admin/clients/new");
    chrome.type("#client_id", "immich");
    chrome.type("#name", "Immich");
    chrome.type("#redirect_uris", "https://photos.home.test/auth/login");
    chrome.click("form[action='/admin/clients'] button[type=submit]");
    chrome.awaitUrl(url -> url.endsWith("/admin/clients"));
    assertThat(chrome.source()).contains("it will not be shown again");
    String secret = chrome.text(".secret code.secret-value");
    assertThat(secret).isNotBlank();
    checkPage("console-client.png");
    open("/admin/clients/immich");
    assertThat(chrome.source()).doesNotContain(secret);

    open("/admin/audit");
    assertThat(chrome.source()).contains("admin_change").contains("user admin");
    checkPage("console-audit.png");
    chrome.resize(390, 844);
    open("/admin/users");
    checkPage("console-phone.png");
    chrome.resize(900, 1300);
    signOut();

    // Carol signs in, changes her password, sets up an authenticator app.
    open("/login?rd=%2Faccount");
    chrome.type("#username", "carol");
    chrome.type("#password", CAROL_PASSWORD);
    chrome.click("form[action='/login'] button");
    assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
    chrome.type("#current_password", CAROL_PASSWORD);
    chrome.type("#new_password", "password1");
    chrome.click("form[action='/account/password'] button");
    chrome.awaitUrl(url -> url.endsWith("/account/password"));
    assertThat(chrome.source()).contains("common");
    chrome.type("#current_password", CAROL_PASSWORD);
    chrome.type("#new_password", CAROL_NEW_PASSWORD);
    chrome.click("form[action='/account/password'] button");
    assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
    try (Browser stale = new Browser(gatehouse)) {
      assertThat(stale.login("carol", CAROL_PASSWORD).statusCode()).isNotEqualTo(303);
    }

    chrome.click("a[href='/login/enrol?rd=%2Faccount']");
    chrome.awaitUrl(url -> url.contains("/login/enrol"));
    byte[] key = Totp.fromBase32(chrome.text("code.key"));
    chrome.type("#code", Totp.code(key, Totp.step(clock.millis())));
    chrome.click("form[action='/login/enrol/totp'] button");
    chrome.awaitUrl(url -> url.endsWith("/login/enrol/totp"));
    assertThat(chrome.texts("ol.codes code")).hasSize(10);
    open("/account");
    assertThat(chrome.source()).contains("Authenticator app");

    // Another session of hers (a phone), revoked from here.
    clock.advance(Duration.ofSeconds(30));
    try (Browser phone = new Browser(gatehouse, "127.0.0.3")) {
      assertThat(phone.login("carol", CAROL_NEW_PASSWORD).statusCode()).isEqualTo(303);
      String phoneId = Secrets.digest(phone.cookie("gh_session")).substring(0, 16);
      open("/account");
      checkPage("account.png");
      chrome.click("form[action='/account/sessions/" + phoneId + "/revoke'] button");
      chrome.awaitUrl(url -> url.endsWith("/account"));
      assertThat(chrome.source()).doesNotContain(phoneId);
      assertThat(phone.get("/account").statusCode()).isEqualTo(303);
    }
    assertThat(kinds("carol"))
        .contains("password_changed", "second_factor_added", "session_revoked");
  }

  private void open(String path) throws IOException, InterruptedException {
    chrome.open(portal.resolve(path));
  }

  private void signOut() throws IOException, InterruptedException {
    chrome.click("form[action='/logout'] button");
    chrome.awaitUrl(url -> !url.contains("/admin"));
    chrome.deleteCookies();
  }

  /** The page's fields are labelled; then its screenshot. */
  private void checkPage(String screenshot) throws IOException, InterruptedException {
    List<String> unlabelled = new ArrayList<>();
    chrome.script(UNLABELLED).forEach(node -> unlabelled.add(node.asText()));
    assertThat(unlabelled).as("unlabelled controls on %s", chrome.url()).isEmpty();
    Path taken = chrome.screenshot(screenshot);
    if ("1".equals(System.getenv("GATEHOUSE_UPDATE_SCREENSHOTS"))) {
      Files.createDirectories(DOCS);
      Files.copy(taken, DOCS.resolve(screenshot), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private List<String> kinds(String username) {
    List<String> kinds = new ArrayList<>();
    gatehouse
        .get("/api/admin/audit?limit=100&user=" + username)
        .json()
        .path("events")
        .forEach(event -> kinds.add(event.path("kind").asText()));
    return kinds;
  }
}
