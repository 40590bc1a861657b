package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's side of "this group needs a second factor": {@code require_mfa} is set when the
 * group is created (false unless asked), shown when it is read, and toggled by PATCH, which takes
 * nothing else and names the field when it is missing. Each toggle is an audited admin change.
 */
class GroupsCanRequireASecondFactorTest {
  @TempDir Path dir;

  @Test
  void requireMfaIsSetShownToggledAndAudited() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(
              create(gh, "{\"name\":\"ops\",\"require_mfa\":true}").get("require_mfa").asBoolean())
          .isTrue();
      assertThat(
              create(gh, "{\"name\":\"staff\",\"require_mfa\":false}")
                  .get("require_mfa")
                  .asBoolean())
          .isFalse();
      assertThat(create(gh, "{\"name\":\"guests\"}").get("require_mfa").asBoolean()).isFalse();

      assertThat(requireMfa(gh, "ops")).isTrue();
      assertThat(requireMfa(gh, "staff")).isFalse();
      assertThat(requireMfa(gh, "guests")).isFalse();
      TestGatehouse.Response listed = gh.get("/api/admin/groups");
      assertThat(listed.status()).isEqualTo(200);
      assertThat(listed.json().get("items"))
          .extracting(g -> g.get("name").asText() + "=" + g.get("require_mfa").asBoolean())
          .contains("ops=true", "staff=false", "guests=false");

      TestGatehouse.Response on = gh.patch("/api/admin/groups/staff", "{\"require_mfa\":true}");
      assertThat(on.status()).as(on.body()).isEqualTo(200);
      assertThat(on.json().get("require_mfa").asBoolean()).isTrue();
      assertThat(requireMfa(gh, "staff")).isTrue();
      TestGatehouse.Response off = gh.patch("/api/admin/groups/ops", "{\"require_mfa\":false}");
      assertThat(off.status()).as(off.body()).isEqualTo(200);
      assertThat(off.json().get("require_mfa").asBoolean()).isFalse();
      assertThat(requireMfa(gh, "ops")).isFalse();

      List<JsonNode> changes = AuditLog.events(gh, "kind=admin_change&limit=200");
      List<JsonNode> updates =
          changes.stream()
              .filter(e -> "update".equals(e.path("details").path("action").asText()))
              .filter(e -> "group".equals(e.path("object_type").asText()))
              .toList();
      assertThat(updates)
          .extracting(
              e ->
                  e.get("object_id").asText()
                      + " "
                      + e.get("details").get("before").get("require_mfa").asBoolean()
                      + "->"
                      + e.get("details").get("after").get("require_mfa").asBoolean())
          .containsExactlyInAnyOrder("staff false->true", "ops true->false");
      assertThat(updates)
          .allSatisfy(e -> assertThat(e.get("actor_kind").asText()).isEqualTo("api_key"));
    }
  }

  @Test
  void patchWithoutTheFieldOrOfAnUnknownGroupIsRefused() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      create(gh, "{\"name\":\"ops\",\"require_mfa\":true}");

      for (String body : List.of("{}", "{\"name\":\"renamed\"}", "{\"require_mfa\":null}")) {
        TestGatehouse.Response missing = gh.patch("/api/admin/groups/ops", body);
        assertThat(missing.status()).as(body).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(missing.json().get("field").asText()).isEqualTo("require_mfa");
      }
      assertThat(requireMfa(gh, "ops")).isTrue();

      TestGatehouse.Response unknown =
          gh.patch("/api/admin/groups/nobody", "{\"require_mfa\":true}");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("error").asText()).isEqualTo("not_found");
      assertThat(gh.get("/api/admin/groups/nobody").status()).isEqualTo(404);

      assertThat(AuditLog.events(gh, "kind=admin_change&limit=200"))
          .noneMatch(e -> "update".equals(e.path("details").path("action").asText()));
    }
  }

  private static JsonNode create(TestGatehouse gh, String json) {
    TestGatehouse.Response created = gh.post("/api/admin/groups", json);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static boolean requireMfa(TestGatehouse gh, String group) {
    TestGatehouse.Response read = gh.get("/api/admin/groups/" + group);
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    return read.json().get("require_mfa").asBoolean();
  }
}
