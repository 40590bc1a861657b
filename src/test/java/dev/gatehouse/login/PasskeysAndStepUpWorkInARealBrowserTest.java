package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.mfa.Totp;
import dev.gatehouse.testing.Chrome;
import dev.gatehouse.testing.EchoUpstream;
import dev.gatehouse.testing.RealProxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's second factors in a real browser (headless Chromium, {@link Chrome}) behind real nginx
 * ({@link RealProxy}): a passkey registered on the account page with Chrome's own WebAuthn code and
 * a virtual authenticator, then a passwordless sign-in with it; a one-factor session stepped up by
 * TOTP on its way to a {@code two_factor} app; a recovery code that works once. The page's CSP and
 * its one script are the real ones: a click does what a person's would.
 *
 * <p>The layout, and why: WebAuthn needs a secure context and an RP ID that is a host name, never
 * an IP; Chromium treats {@code http://*.localhost} as secure and resolves it to loopback. nginx
 * serves the portal as {@code auth.gatehouse.localhost} (Gatehouse's {@code public_url}, so the RP
 * ID) and the app, asking Gatehouse through auth_request, as {@code app.gatehouse.localhost}, both
 * on one port. The session cookie reaches the app's host, and so nginx's auth_request, because
 * {@code session.cookie_domain} is {@code gatehouse.localhost}: a parent of both, as a real
 * deployment's {@code example.com} is of {@code auth.example.com} and {@code app.example.com}
 * (under a bare {@code localhost}, a top-level name, browsers do not share cookies alike).
 *
 * <p>Screenshots go to {@code target/screenshots}; with {@code GATEHOUSE_UPDATE_SCREENSHOTS=1} the
 * four the docs show are copied to {@code docs/screenshots} too.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasskeysAndStepUpWorkInARealBrowserTest {
  private static final String DOMAIN = "gatehouse.localhost";
  private static final String PORTAL_HOST = "auth." + DOMAIN;
  private static final String PASSWORD = "correct horse battery staple";
  private static final Path DOCS = Path.of("docs", "screenshots");

  private final TestClock clock = new TestClock();
  private Chrome chrome;
  private TestGatehouse gatehouse;
  private EchoUpstream upstream;
  private RealProxy nginx;
  private URI portal;
  private String app;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException, InterruptedException {
    RealProxy.Kind.NGINX.installed();
    chrome = Chrome.start(dir);
    int port = RealProxy.freePort();
    portal = URI.create("http://" + PORTAL_HOST + ":" + port);
    app = "http://app." + DOMAIN + ":" + port;
    gatehouse =
        TestGatehouse.start(
            dir.resolve("data"),
            Map.of(
                "GATEHOUSE_SERVER_PUBLIC_URL",
                portal.toString(),
                "GATEHOUSE_SESSION_COOKIE_DOMAIN",
                DOMAIN),
            clock);
    gatehouse.createUser("alice", PASSWORD, "staff");
    gatehouse.createUser("bob", PASSWORD, "staff");
    gatehouse.createApp(
        """
        {"name":"vault","hosts":["%s"],"rules":[{"path":"/","policy":"two_factor"}]}"""
            .formatted(URI.create(app).getRawAuthority()));
    upstream = EchoUpstream.start();
    nginx =
        RealProxy.Kind.NGINX.start(
            dir,
            port,
            new RealProxy.Wiring(gatehouse.gatehouse().port(), upstream.port(), PORTAL_HOST));
  }

  @AfterAll
  void stop() {
    for (AutoCloseable resource : new AutoCloseable[] {nginx, upstream, gatehouse, chrome}) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Each test starts signed out: no cookie of a test before it. */
  @BeforeEach
  void signedOut() throws IOException, InterruptedException {
    chrome.open(portal.resolve("/login"));
    chrome.deleteCookies();
    chrome.consoleLog();
  }

  /**
   * No page refused anything under its CSP, the script threw nothing, and Chrome had no advice on
   * the pages' forms ({@code [DOM]}: a password form without its username, say, which password
   * managers need to save a new password under the right account).
   */
  @AfterEach
  void consoleIsClean() throws IOException, InterruptedException {
    assertThat(chrome.consoleLog())
        .as("Chrome's console (CSP violations and script errors land here)")
        .noneMatch(
            line ->
                line.startsWith("SEVERE")
                    || line.contains("Content Security Policy")
                    || line.contains("[DOM]"));
  }

  /** (a) a passkey registered on the account page; (b) it signs in without a password. */
  @Test
  void passkeyRegisteredOnTheAccountPageSignsInWithoutAPassword() throws Exception {
    Chrome.Authenticator laptop = chrome.addAuthenticator();
    try {
      signIn("alice");
      assertThat(chrome.source()).contains("None yet.");
      // The script shows the form only where WebAuthn works; it does here.
      assertThat(chrome.displayed("form[data-webauthn=register]")).isTrue();
      chrome.type("#passkey-name", "Work laptop");
      chrome.click("form[data-webauthn=register] button");

      assertThat(chrome.awaitUrl(url -> !url.endsWith("/account")))
          .as("registering posts the form: %s", chrome.consoleLog())
          .endsWith("/login/enrol/passkey");
      assertThat(chrome.source()).contains("Your recovery codes");
      assertThat(chrome.texts("ol.codes code")).hasSize(10).doesNotHaveDuplicates();
      List<Chrome.Credential> held = laptop.credentials();
      assertThat(held).hasSize(1);
      assertThat(held.getFirst().resident()).isTrue();
      assertThat(held.getFirst().rpId()).isEqualTo(PORTAL_HOST);
      chrome.click("a[href='/account']");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
      assertThat(chrome.source()).contains("Work laptop").contains("10 left");

      // (b) Signed out, the sign-in page asks for a passkey in the background (conditional
      // mediation, for the username field's autofill): the virtual authenticator offers its one
      // passkey as a person would pick it there, and the page signs in without a password.
      int signIns = signIns("alice").size();
      chrome.open(portal.resolve("/account"));
      chrome.click("form[action='/logout'] button");
      assertThat(
              chrome.awaitUrl(url -> url.endsWith("/account") && signIns("alice").size() > signIns))
          .as("the login page's autofill request signs in: %s", chrome.consoleLog())
          .endsWith("/account");
      assertThat(signIns("alice").getFirst()).isEqualTo("[hwk, user, mfa]");
      assertThat(chrome.source())
          .contains("Signed in as alice")
          .contains("two factors · this session");
      long used = laptop.credentials().getFirst().signCount();
      assertThat(used).isPositive();

      // The button: with the passkey taken out of the authenticator while the page loads, the
      // background request finds none (and fails); put back, it signs in when the button asks.
      Chrome.Credential passkey = laptop.credentials().getFirst();
      laptop.remove(passkey);
      signOut();
      laptop.add(passkey);
      assertThat(chrome.url()).endsWith("/login");
      assertThat(chrome.displayed("form[action='/login/passkey'] button")).isTrue();
      // The background request's failure is not the person's: the page says nothing of it.
      assertThat(chrome.displayed("form[action='/login/passkey'] [data-webauthn-error]")).isFalse();
      screenshot("passkey-login.png");
      int before = signIns("alice").size();
      chrome.click("form[action='/login/passkey'] button");

      assertThat(chrome.awaitUrl(url -> url.endsWith("/account")))
          .as("a passkey sign-in: %s", chrome.consoleLog())
          .endsWith("/account");
      assertThat(chrome.source())
          .contains("Signed in as alice")
          .contains("two factors · this session")
          .contains("Work laptop");
      assertThat(signIns("alice")).hasSize(before + 1).first().isEqualTo("[hwk, user, mfa]");
      assertThat(laptop.credentials().getFirst().signCount()).isGreaterThan(used);
      screenshot("account-factors.png");

      // The two_factor app lets this session through nginx, as alice.
      chrome.open(URI.create(app + "/secrets?page=1"));
      assertThat(chrome.url()).isEqualTo(app + "/secrets?page=1");
      assertThat(chrome.source())
          .contains("Request: GET /secrets?page=1")
          .contains("Remote-User: alice")
          .contains("Remote-Groups: staff")
          .doesNotContain("gh_session");

      // Removed on the account page (this session proved two factors), the key no longer signs
      // in, though the authenticator still holds it.
      chrome.open(portal.resolve("/account"));
      chrome.click("form[action^='/account/passkeys/'] button");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
      assertThat(chrome.source()).doesNotContain("Work laptop").contains("None yet");
      List<Chrome.Credential> removed = takeOut(laptop);
      signOut();
      putBack(laptop, removed);
      chrome.click("form[action='/login/passkey'] button");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/login/passkey"))).endsWith("/login/passkey");
      assertThat(chrome.source()).contains("This passkey or security key is not registered.");
      // Refused with 401, once: the answer's page does not start another autofill request.
      assertThat(chrome.consoleLog())
          .filteredOn(line -> line.startsWith("SEVERE"))
          .singleElement()
          .matches(
              line ->
                  line.equals(
                      "SEVERE "
                          + portal
                          + "/login/passkey - Failed to load resource: the server responded with"
                          + " a status of 401 (Unauthorized)"));
    } finally {
      laptop.remove();
    }
  }

  /**
   * (c) TOTP enrolled on the page (the key read off it, as a person types it into an app), then a
   * one-factor session stepped up on its way to the app; (d) a recovery code works once.
   */
  @Test
  void oneFactorSessionIsSteppedUpByTotpAndARecoveryCodeWorksOnce() throws Exception {
    signIn("bob");
    chrome.click("a[href='/login/enrol?rd=%2Faccount']");
    assertThat(chrome.awaitUrl(url -> url.contains("/login/enrol"))).contains("/login/enrol");
    assertThat(chrome.source()).contains("<svg");
    screenshot("enrol.png");
    byte[] key = Totp.fromBase32(chrome.text("code.key"));
    chrome.type("#code", Totp.code(key, Totp.step(clock.millis())));
    chrome.click("form[action='/login/enrol/totp'] button");
    assertThat(chrome.awaitUrl(url -> url.endsWith("/login/enrol/totp")))
        .endsWith("/login/enrol/totp");
    List<String> recoveryCodes = chrome.texts("ol.codes code");
    assertThat(recoveryCodes).hasSize(10).doesNotHaveDuplicates();
    signOut();

    // A password alone is one factor: the app sends the browser to the step-up page.
    clock.advance(Duration.ofSeconds(30));
    signIn("bob");
    String page = app + "/admin/settings?tab=2&q=a%20b";
    chrome.open(URI.create(page));
    String verify = portal + "/login/verify?rd=" + URLEncoder.encode(page, StandardCharsets.UTF_8);
    assertThat(chrome.url()).isEqualTo(verify);
    assertThat(chrome.source()).contains("Confirm it's you");
    screenshot("verify.png");
    chrome.type("#code", Totp.code(key, Totp.step(clock.millis())));
    chrome.click("form[action='/login/verify'] input[value=totp] ~ button");
    assertThat(chrome.awaitUrl(url -> url.startsWith(app))).isEqualTo(page);
    assertThat(chrome.source())
        .contains("Request: GET /admin/settings?tab=2&amp;q=a%20b")
        .contains("Remote-User: bob");
    assertThat(signIns("bob")).first().isEqualTo("[pwd, otp, mfa]");
    signOut();

    // A recovery code instead of the app's code: good once.
    String recovery = recoveryCodes.get(4);
    assertThat(stepUpWithRecoveryCode(page, recovery)).isEqualTo(page);
    assertThat(chrome.source()).contains("Remote-User: bob");
    signOut();
    assertThat(stepUpWithRecoveryCode(page, recovery)).isEqualTo(portal + "/login/verify");
    assertThat(chrome.source()).contains("That recovery code is not valid.");
    chrome.open(URI.create(page));
    assertThat(chrome.url()).isEqualTo(verify);
    // The refusal's 401 is the one resource the console may call failed.
    assertThat(chrome.consoleLog())
        .filteredOn(line -> line.startsWith("SEVERE"))
        .containsExactly(
            "SEVERE "
                + portal
                + "/login/verify - Failed to load resource: the server responded with a status of"
                + " 401 (Unauthorized)");
  }

  /**
   * (e) A passkey as the second factor after a password: for a member of a group that requires one,
   * before any session exists; and for a one-factor session stepping up on its way to the {@code
   * two_factor} app. Throughout, the passkeys are out of the authenticator whenever the sign-in
   * page loads, so that its background (autofill) request cannot sign in by itself.
   */
  @Test
  void passkeyIsTheSecondFactorAfterAPassword() throws Exception {
    assertThat(
            gatehouse
                .post("/api/admin/groups", "{\"name\":\"tellers\",\"require_mfa\":true}")
                .status())
        .isEqualTo(201);
    gatehouse.createUser("carol", PASSWORD, "tellers");
    gatehouse.createUser("dave", PASSWORD, "staff");
    Chrome.Authenticator phone = chrome.addAuthenticator();
    try {
      // carol's first sign-in: the password alone is not enough, and she has no factor yet.
      assertThat(submitPassword("carol")).isEqualTo(portal + "/login/enrol");
      assertThat(chrome.source()).contains("Your account needs a second factor");
      chrome.type("#passkey-name", "Phone");
      chrome.click("form[data-webauthn=register] button");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/login/enrol/passkey")))
          .as("registering posts the form: %s", chrome.consoleLog())
          .endsWith("/login/enrol/passkey");
      assertThat(chrome.texts("ol.codes code")).hasSize(10);
      chrome.click("a[href='/account']");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");
      assertThat(chrome.source()).contains("Phone").contains("two factors · this session");

      // Signed out, then the password again: a pending sign-in, no session.
      List<Chrome.Credential> held = takeOut(phone);
      signOut();
      int signIns = signIns("carol").size();
      assertThat(submitPassword("carol")).isEqualTo(portal + "/login/verify");
      assertThat(chrome.source()).contains("Signing in as carol.");
      assertThat(chrome.displayed("#use-passkey")).isTrue();
      chrome.open(portal.resolve("/account"));
      assertThat(chrome.url()).isEqualTo(portal + "/login?rd=%2Faccount");
      assertThat(signIns("carol")).hasSize(signIns);
      chrome.open(portal.resolve("/login/verify"));
      assertThat(chrome.source()).contains("Signing in as carol.");
      putBack(phone, held);
      chrome.click("#use-passkey");
      assertThat(
              chrome.awaitUrl(url -> url.endsWith("/account") && signIns("carol").size() > signIns))
          .as("the passkey completes the sign-in: %s", chrome.consoleLog())
          .endsWith("/account");
      assertThat(chrome.source())
          .contains("Signed in as carol")
          .contains("two factors · this session");
      assertThat(signIns("carol")).hasSize(signIns + 1);
      assertThat(latestAmr("carol")).contains("pwd", "mfa").containsAnyOf("hwk", "swk");

      // dave, in no such group, adds a passkey on the account page...
      held = takeOut(phone);
      signOut();
      signIn("dave");
      putBack(phone, held);
      chrome.type("#passkey-name", "Phone");
      chrome.click("form[data-webauthn=register] button");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/login/enrol/passkey")))
          .as("registering posts the form: %s", chrome.consoleLog())
          .endsWith("/login/enrol/passkey");
      chrome.click("a[href='/account']");
      assertThat(chrome.awaitUrl(url -> url.endsWith("/account"))).endsWith("/account");

      // ...and, signed in with the password alone, steps up with it for the app.
      held = takeOut(phone);
      signOut();
      signIn("dave");
      assertThat(chrome.source()).doesNotContain("two factors");
      String page = app + "/reports?year=2025";
      chrome.open(URI.create(page));
      assertThat(chrome.url())
          .isEqualTo(
              portal + "/login/verify?rd=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
      assertThat(chrome.source()).contains("Confirm it's you");
      putBack(phone, held);
      int stepUps = signIns("dave").size();
      chrome.click("#use-passkey");
      assertThat(chrome.awaitUrl(url -> url.startsWith(app) && signIns("dave").size() > stepUps))
          .as("the passkey steps up: %s", chrome.consoleLog())
          .isEqualTo(page);
      assertThat(chrome.source())
          .contains("Request: GET /reports?year=2025")
          .contains("Remote-User: dave");
      assertThat(latestAmr("dave")).contains("pwd", "mfa").containsAnyOf("hwk", "swk");
    } finally {
      phone.remove();
    }
  }

  /** Takes every passkey out of {@code authenticator}; {@link #putBack} returns them. */
  private static List<Chrome.Credential> takeOut(Chrome.Authenticator authenticator)
      throws IOException, InterruptedException {
    List<Chrome.Credential> held = authenticator.credentials();
    for (Chrome.Credential credential : held) {
      authenticator.remove(credential);
    }
    return held;
  }

  private static void putBack(Chrome.Authenticator authenticator, List<Chrome.Credential> held)
      throws IOException, InterruptedException {
    for (Chrome.Credential credential : held) {
      authenticator.add(credential);
    }
  }

  /** Submits the sign-in form with a password; the URL the browser lands on. */
  private String submitPassword(String username) throws IOException, InterruptedException {
    String login = portal + "/login";
    chrome.open(portal.resolve("/login"));
    chrome.type("#username", username);
    chrome.type("#password", PASSWORD);
    chrome.click("form[action='/login'] button[type=submit]");
    return chrome.awaitUrl(url -> !url.equals(login));
  }

  /** Signs in with a password as {@code username}; lands on the account page. */
  private void signIn(String username) throws IOException, InterruptedException {
    chrome.open(portal.resolve("/login"));
    chrome.type("#username", username);
    chrome.type("#password", PASSWORD);
    chrome.click("form[action='/login'] button[type=submit]");
    assertThat(chrome.awaitUrl(url -> url.endsWith("/account")))
        .as("%s signs in", username)
        .endsWith("/account");
  }

  /** Signs out on the account page; lands on the sign-in page. */
  private void signOut() throws IOException, InterruptedException {
    String login = portal + "/login";
    chrome.open(portal.resolve("/account"));
    chrome.click("form[action='/logout'] button");
    assertThat(chrome.awaitUrl(url -> url.equals(login))).isEqualTo(login);
  }

  /** Signs in with the password, opens {@code page} and gives the recovery code; the URL after. */
  private String stepUpWithRecoveryCode(String page, String code)
      throws IOException, InterruptedException {
    signIn("bob");
    chrome.open(URI.create(page));
    assertThat(chrome.url()).contains("/login/verify?rd=");
    chrome.click("details summary");
    chrome.type("#recovery", code);
    chrome.click("form[action='/login/verify'] input[value=recovery] ~ button");
    return chrome.awaitUrl(url -> !url.contains("/login/verify?rd="));
  }

  /**
   * The {@code amr} of each of {@code username}'s sign-ins as the audit log has them, newest first.
   */
  private List<String> signIns(String username) {
    List<String> amrs = new ArrayList<>();
    for (JsonNode event :
        gatehouse
            .get("/api/admin/audit?kind=sign_in&limit=100&user=" + username)
            .json()
            .path("events")) {
      List<String> amr = new ArrayList<>();
      event.path("details").path("amr").forEach(method -> amr.add(method.asText()));
      amrs.add(amr.toString());
    }
    return amrs;
  }

  /** The {@code amr} of {@code username}'s latest sign-in, as the audit log has it. */
  private List<String> latestAmr(String username) {
    List<String> amr = new ArrayList<>();
    gatehouse
        .get("/api/admin/audit?kind=sign_in&limit=1&user=" + username)
        .json()
        .path("events")
        .path(0)
        .path("details")
        .path("amr")
        .forEach(method -> amr.add(method.asText()));
    return amr;
  }

  private void screenshot(String name) throws IOException, InterruptedException {
    Path taken = chrome.screenshot(name);
    if ("1".equals(System.getenv("GATEHOUSE_UPDATE_SCREENSHOTS"))) {
      Files.createDirectories(DOCS);
      Files.copy(taken, DOCS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
