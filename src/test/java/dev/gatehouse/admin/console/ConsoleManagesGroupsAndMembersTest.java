package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleManagesGroupsAndMembersTest {
  @TempDir Path dir;

  @Test
  void aGroupIsCreatedFilledRequiredToUseASecondFactorAndDeleted() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      gh.createUser("alice", "alice-password-1");
      admin.browser().get("/admin/groups");

      HttpResponse<String> created =
          admin.browser().submit("/admin/groups", Map.of("name", "staff"));
      assertThat(created.statusCode()).isEqualTo(303);
      assertThat(created.headers().firstValue("Location"))
          .hasValue("/admin/groups/staff?done=created");
      admin.made(ConsoleSignIn.events(gh, "admin_change", "group", "staff").getFirst());

      HttpResponse<String> added =
          admin.browser().submit("/admin/groups/staff/members", Map.of("username", "alice"));
      assertThat(added.headers().firstValue("Location"))
          .hasValue("/admin/groups/staff?done=added#members");
      assertThat(admin.browser().get("/admin/groups/staff?done=added").body())
          .contains("Added.")
          .contains("/admin/groups/staff/members/alice/remove");
      assertThat(gh.get("/api/admin/groups/staff").json().get("members").toString())
          .isEqualTo("[\"alice\"]");

      admin.browser().submit("/admin/groups/staff/mfa", Map.of("require_mfa", "on"));
      assertThat(gh.get("/api/admin/groups/staff").json().get("require_mfa").asBoolean()).isTrue();
      assertThat(admin.browser().get("/admin/groups").body()).contains("required");

      admin.browser().submit("/admin/groups/staff/members/alice/remove", Map.of());
      assertThat(gh.get("/api/admin/groups/staff").json().get("members")).isEmpty();

      HttpResponse<String> deleted = admin.browser().submit("/admin/groups/staff/delete", Map.of());
      assertThat(deleted.headers().firstValue("Location")).hasValue("/admin/groups?done=deleted");
      assertThat(gh.get("/api/admin/groups/staff").status()).isEqualTo(404);
      assertThat(ConsoleSignIn.events(gh, "admin_change", "group", "staff"))
          .hasSize(5)
          .allSatisfy(admin::made);
    }
  }

  @Test
  void refusalsAreShownAtTheirField() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      admin.browser().get("/admin/groups");
      HttpResponse<String> badName =
          admin.browser().submit("/admin/groups", Map.of("name", "-no spaces-"));
      assertThat(badName.statusCode()).isEqualTo(400);
      assertThat(badName.body())
          .contains("id=\"name\" name=\"name\" value=\"-no spaces-\"")
          .contains("aria-invalid=\"true\" aria-describedby=\"name-note\"")
          .contains("<p class=\"field-error\" id=\"name-note\">name must be 1-64 letters");

      HttpResponse<String> unknown =
          admin.browser().submit("/admin/groups/admins/members", Map.of("username", "nobody"));
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body())
          .contains("<p class=\"field-error\" id=\"username-note\">no user named nobody</p>");

      HttpResponse<String> twice =
          admin.browser().submit("/admin/groups/admins/members", Map.of("username", "root"));
      assertThat(twice.statusCode()).isEqualTo(400);
      assertThat(twice.body())
          .contains("<p class=\"field-error\" id=\"username-note\">root is already in admins</p>");
    }
  }

  @Test
  void membersAndGroupsArePagedAndSearched() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      gh.post("/api/admin/groups", "{\"name\":\"big\"}");
      gh.post("/api/admin/groups", "{\"name\":\"small\"}");
      for (int i = 1; i <= 55; i++) {
        String username = "member-%02d".formatted(i);
        assertThat(
                gh.post(
                        "/api/admin/users",
                        "{\"username\":\"" + username + "\",\"groups\":[\"big\"]}")
                    .status())
            .isEqualTo(201);
      }

      String first = admin.browser().get("/admin/groups/big").body();
      assertThat(first)
          .contains("member-01", "member-50")
          .doesNotContain("member-51")
          .contains("1–50 of 55 members")
          .contains("href=\"/admin/groups/big?page=2\" rel=\"next\"");
      String second = admin.browser().get("/admin/groups/big?page=2").body();
      assertThat(second)
          .contains("member-51", "member-55")
          .doesNotContain("member-50/remove")
          .contains("51–55 of 55 members")
          .contains("href=\"/admin/groups/big?page=1\" rel=\"prev\"");

      String found = admin.browser().get("/admin/groups?q=BI").body();
      assertThat(found)
          .contains("<a href=\"/admin/groups/big\">big</a></td><td>55</td>")
          .doesNotContain("/admin/groups/small\"");
    }
  }
}
