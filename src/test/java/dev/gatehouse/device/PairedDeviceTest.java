package dev.gatehouse.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestClock;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pairing codes are redeemed once for a token that authenticates a device until revoked. */
class PairedDeviceTest {
  private static final String PAGE = "https://wiki.example.test/";
  @TempDir Path dir;

  private static TestGatehouse start(Path dir, TestClock clock) {
    TestGatehouse gh = TestGatehouse.start(dir, Map.of(), clock);
    gh.createUser("alice", "alice-password", "staff");
    gh.createApp(
        "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"groups\",\"groups\":[\"staff\"]}]}");
    return gh;
  }

  private static TestGatehouse.Response redeem(TestGatehouse gh, String code) {
    return gh.send("POST", "/api/devices/pair", "{\"code\":\"" + code + "\"}", null);
  }

  @Test
  void aCodeIsRedeemedOnceForATokenStoredOnlyAsItsDigest() {
    try (TestGatehouse gh = start(dir, new TestClock());
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String code = alice.pairingCode("Living-room TV");

      var paired = redeem(gh, code.toLowerCase(java.util.Locale.ROOT).replace("-", " "));
      assertThat(paired.status()).isEqualTo(201);
      String token = paired.json().get("token").asText();
      String id = paired.json().get("device").get("id").asText();
      assertThat(token).startsWith("gh_dt_").hasSizeGreaterThan(40);
      assertThat(redeem(gh, code).status()).isEqualTo(400);

      List<String> row =
          gh.gatehouse()
              .store()
              .reads()
              .read(
                  q ->
                      q.one(
                              "SELECT token_digest, name, user_id FROM devices WHERE id = ?",
                              r -> List.of(r.getString(1), r.getString(2), r.getString(3)),
                              id)
                          .orElseThrow());
      assertThat(row.get(0)).isEqualTo(Secrets.digest(token)).isNotEqualTo(token);
      assertThat(row.get(1)).isEqualTo("Living-room TV");
      long codesLeft =
          gh.gatehouse().store().reads().read(q -> q.count("SELECT COUNT(*) FROM pairing_codes"));
      assertThat(codesLeft).isZero();

      var asBearer = proxy.forwardAuth("GET", PAGE, "Authorization", "Bearer " + token);
      assertThat(asBearer.statusCode()).isEqualTo(200);
      assertThat(asBearer.headers().firstValue("Remote-User")).hasValue("alice");
      var asCookie = proxy.authRequest("GET", PAGE, "Cookie", "gh_device=" + token);
      assertThat(asCookie.statusCode()).isEqualTo(200);
      assertThat(asCookie.headers().firstValue("Remote-Groups")).hasValue("staff");
    }
  }

  @Test
  void anExpiredCodeFails() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String code = alice.pairingCode("phone");
      clock.advance(Duration.ofMinutes(11));
      var expired = redeem(gh, code);
      assertThat(expired.status()).isEqualTo(400);
      assertThat(expired.json().get("field").asText()).isEqualTo("code");
      assertThat(redeem(gh, "NOPE-NOPE").status()).isEqualTo(400);
      assertThat(redeem(gh, "").status()).isEqualTo(400);
    }
  }

  @Test
  void lastSeenIsKeptAndShownToTheUserAndAdmins() {
    TestClock clock = new TestClock();
    try (TestGatehouse gh = start(dir, clock);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      Browser.PairedDevice device = alice.pairDevice("laptop");
      assertThat(gh.get("/api/admin/devices").json().get("items").get(0).get("last_seen").isNull())
          .isTrue();
      assertThat(alice.get("/account").body()).contains("last seen never");

      clock.advance(Duration.ofMinutes(2));
      proxy.forwardAuth("GET", PAGE, "Authorization", "Bearer " + device.token());

      var listed = gh.get("/api/admin/devices").json().get("items").get(0);
      assertThat(listed.get("id").asText()).isEqualTo(device.id());
      assertThat(java.time.Instant.parse(listed.get("last_seen").asText()))
          .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      assertThat(alice.get("/account").body()).contains("laptop").doesNotContain("last seen never");
    }
  }

  @Test
  void theUserRevokesADeviceFromTheAccountPage() {
    try (TestGatehouse gh = start(dir, new TestClock());
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      alice.login("alice", "alice-password");
      Browser.PairedDevice device = alice.pairDevice("tablet");
      assertThat(alice.get("/account").body())
          .contains("tablet")
          .contains("/account/devices/" + device.id() + "/revoke");

      assertThat(alice.submit("/account/devices/" + device.id() + "/revoke", Map.of()).statusCode())
          .isEqualTo(303);

      assertThat(alice.get("/account").body()).doesNotContain("tablet");
      assertThat(
              proxy
                  .forwardAuth("GET", PAGE, "Authorization", "Bearer " + device.token())
                  .statusCode())
          .isEqualTo(401);
      assertThat(gh.delete("/api/admin/devices/" + device.id()).status()).isEqualTo(404);
    }
  }

  @Test
  void aBrowserPairsThroughThePairPage() {
    try (TestGatehouse gh = start(dir, new TestClock());
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh);
        Browser kiosk = new Browser(gh)) {
      alice.login("alice", "alice-password");
      String code = alice.pairingCode("kiosk");

      assertThat(kiosk.get("/pair?code=" + code).body()).contains("value=\"" + code + "\"");
      assertThat(kiosk.post("/pair", Map.of("code", code)).statusCode()).isEqualTo(403);
      var paired = kiosk.submit("/pair", Map.of("code", code));
      assertThat(paired.statusCode()).isEqualTo(200);
      String token = kiosk.cookie("gh_device");
      assertThat(token).startsWith("gh_dt_");
      assertThat(paired.body()).contains(token);
      assertThat(paired.headers().allValues("Set-Cookie"))
          .anyMatch(c -> c.startsWith("gh_device=") && c.contains("HttpOnly"));

      assertThat(proxy.forwardAuth("GET", PAGE, "Cookie", kiosk.cookieHeader()).statusCode())
          .isEqualTo(200);
      assertThat(kiosk.submit("/pair", Map.of("code", code)).statusCode()).isEqualTo(400);
    }
  }
}
