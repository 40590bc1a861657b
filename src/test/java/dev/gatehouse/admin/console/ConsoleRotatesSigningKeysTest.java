package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleRotatesSigningKeysTest {
  @TempDir Path dir;

  @Test
  void keysAreListedAndRotatedWithAGracePeriod() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      JsonNode before = gh.get("/api/admin/keys").json().get("items");
      String page = admin.browser().get("/admin/keys").body();
      for (JsonNode key : before) {
        assertThat(page).contains(key.get("kid").asText());
      }

      HttpResponse<String> rotated =
          admin.browser().submit("/admin/keys/rotate", Map.of("grace_seconds", "3600"));
      assertThat(rotated.headers().firstValue("Location")).hasValue("/admin/keys?done=rotated");
      JsonNode after = gh.get("/api/admin/keys").json().get("items");
      assertThat(after.size()).isEqualTo(before.size() * 2);
      assertThat(admin.browser().get("/admin/keys?done=rotated").body())
          .contains("Rotated.")
          .contains(">next</span>");
      List<JsonNode> events = AuditLog.events(gh, "kind=signing_key_rotated");
      admin.made(events.getFirst());
    }
  }

  @Test
  void aBadGraceIsShownAtItsFieldAndRotatesNothing() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      int keys = gh.get("/api/admin/keys").json().get("items").size();
      admin.browser().get("/admin/keys");
      for (String grace : List.of("soon", "-1", "2592001")) {
        HttpResponse<String> refused =
            admin.browser().submit("/admin/keys/rotate", Map.of("grace_seconds", grace));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
            .contains("value=\"" + grace + "\"")
            .contains("<p class=\"field-error\" id=\"grace_seconds-note\">grace_seconds must be");
      }
      assertThat(gh.get("/api/admin/keys").json().get("items").size()).isEqualTo(keys);
      assertThat(gh.post("/api/admin/keys/rotate", "{\"grace_seconds\":2592001}").status())
          .isEqualTo(400);
    }
  }
}
