package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.audit.AuditLog;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleAuditLogFiltersAndPagesTest {
  private static final Pattern OLDER = Pattern.compile("<a href=\"([^\"]+)\" rel=\"next\">");
  @TempDir Path dir;

  @Test
  void olderEventsFollowTheCursorKeepingTheFilters() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      for (int i = 1; i <= 55; i++) {
        assertThat(gh.post("/api/admin/groups", "{\"name\":\"g-%02d\"}".formatted(i)).status())
            .isEqualTo(201);
      }
      admin.browser().get("/admin/groups");
      admin.browser().submit("/admin/groups", Map.of("name", "by-root"));
      AuditLog.settle(gh);

      String first = admin.browser().get("/admin/audit?kind=admin_change&actor=api_key").body();
      assertThat(first)
          .contains("<option value=\"admin_change\" selected>")
          .contains("group g-55")
          .doesNotContain("group by-root");
      Matcher older = OLDER.matcher(first);
      assertThat(older.find()).isTrue();
      String link = older.group(1).replace("&amp;", "&");
      assertThat(link).startsWith("/admin/audit?kind=admin_change&actor=api_key&cursor=");

      String second = admin.browser().get(link).body();
      assertThat(second)
          .contains("group g-01")
          .doesNotContain("group g-55<")
          .contains("Newest events")
          .doesNotContain("rel=\"next\"");

      String mine = admin.browser().get("/admin/audit?actor=" + ConsoleSignIn.USERNAME).body();
      assertThat(mine).contains("group by-root").doesNotContain("group g-01");
    }
  }

  @Test
  void aBadFilterIsShownAtItsField() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      HttpResponse<String> badSince = admin.browser().get("/admin/audit?since=yesterday");
      assertThat(badSince.statusCode()).isEqualTo(400);
      assertThat(badSince.body())
          .contains("id=\"since\" name=\"since\" value=\"yesterday\"")
          .contains("<p class=\"field-error\" id=\"since-note\">since must be");

      HttpResponse<String> backwards =
          admin.browser().get("/admin/audit?since=2026-02-01T00:00&until=2026-01-01T00:00");
      assertThat(backwards.statusCode()).isEqualTo(400);
      assertThat(backwards.body())
          .contains(
              "<p class=\"field-error\" id=\"until-note\">until must be later than since</p>");

      HttpResponse<String> badKind = admin.browser().get("/admin/audit?kind=coffee");
      assertThat(badKind.statusCode()).isEqualTo(400);
      assertThat(badKind.body()).contains("<p class=\"field-error\" id=\"kind-note\">unknown kind");

      HttpResponse<String> window =
          admin.browser().get("/admin/audit?since=2000-01-01T00:00&until=2000-01-02");
      assertThat(window.statusCode()).isEqualTo(200);
      assertThat(window.body()).contains("No event matches.");
    }
  }
}
