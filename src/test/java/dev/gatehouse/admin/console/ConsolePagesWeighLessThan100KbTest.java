package dev.gatehouse.admin.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a browser downloads for each main page, full: the HTML plus every stylesheet, script and
 * icon it links (uncompressed, as counted before any cache), stays under 100 KB.
 */
class ConsolePagesWeighLessThan100KbTest {
  private static final int BUDGET = 100 * 1024;
  private static final Pattern LINKED = Pattern.compile("(?:href|src)=\"(/static/[^\"]+)\"");

  @TempDir Path dir;

  @Test
  void everyMainPageWithEverythingItLinksIsUnderTheBudget() {
    try (TestGatehouse gh = TestGatehouse.start(dir);
        ConsoleSignIn admin = ConsoleSignIn.of(gh)) {
      for (int i = 0; i < 60; i++) { // without passwords: sixty Argon2 hashes would cost seconds
        gh.post(
            "/api/admin/users",
            String.format(
                "{\"username\":\"person-%02d\",\"email\":\"person-%02d@example.test\","
                    + "\"display_name\":\"Person Number %02d\",\"groups\":[\"admins\"]}",
                i, i, i));
      }
      StringBuilder rules = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        rules
            .append(i == 0 ? "" : ",")
            .append("{\"path\":\"/area-")
            .append(i)
            .append("\",\"policy\":\"groups\",")
            .append("\"groups\":[\"admins\"],\"methods\":[\"GET\",\"POST\"]}");
      }
      String app =
          gh.createApp(
              "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],\"rules\":[" + rules + "]}");
      String userId =
          gh.get("/api/admin/users?username=person-01").json().at("/items/0/id").asText();
      Browser browser = admin.browser();
      for (String path :
          List.of(
              "/admin",
              "/admin/users",
              "/admin/users/" + userId,
              "/admin/groups",
              "/admin/groups/admins",
              "/admin/apps",
              "/admin/apps/" + app,
              "/admin/clients",
              "/admin/api-keys",
              "/admin/devices",
              "/admin/keys",
              "/admin/audit",
              "/account")) {
        HttpResponse<String> page = browser.get(path);
        assertThat(page.statusCode()).as(path).isEqualTo(200);
        int total = page.body().getBytes(StandardCharsets.UTF_8).length;
        Matcher linked = LINKED.matcher(page.body());
        while (linked.find()) {
          HttpResponse<String> file = browser.get(linked.group(1));
          assertThat(file.statusCode()).as(linked.group(1)).isEqualTo(200);
          total += file.body().getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(total).as("bytes of %s with what it links", path).isLessThan(BUDGET);
      }
    }
  }
}
