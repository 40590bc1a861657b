package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidAppRulesAreRejectedNamingTheFieldTest {
  private static final String OK_RULE = "{\"path\":\"/\",\"policy\":\"public\"}";
  @TempDir static Path dir;
  static TestGatehouse gh;
  static String appId;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    appId =
        gh.createApp(
            "{\"name\":\"wiki\",\"hosts\":[\"wiki.example.test\"],\"rules\":[" + OK_RULE + "]}");
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  @ParameterizedTest(name = "{1} → {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          rules[1].path_regex  | {"path_regex":"(unclosed","policy":"public"}
          rules[1].path_regex  | {"path_regex":"[z-a]","policy":"public"}
          rules[1].path_regex  | {"path":"/a","path_regex":"^/a","policy":"public"}
          rules[1].path        | {"path":"no-slash","policy":"public"}
          rules[1].networks[0] | {"path":"/","networks":["10.0.0.0/33"],"policy":"public"}
          rules[1].networks[0] | {"path":"/","networks":["not-a-network"],"policy":"public"}
          rules[1].networks[0] | {"path":"/","networks":["example.com/8"],"policy":"public"}
          rules[1].networks[1] | {"path":"/","networks":["10.0.0.0/8","10.0.0.0/"],"policy":"public"}
          rules[1].networks[0] | {"path":"/","networks":["fd00::/129"],"policy":"public"}
          rules[1].networks[0] | {"path":"/","networks":["10.0.0.0/-1"],"policy":"public"}
          rules[1].policy      | {"path":"/","policy":"maybe"}
          rules[1].policy      | {"path":"/","policy":"PUBLIC"}
          rules[1].policy      | {"path":"/"}
          rules[1].methods[0]  | {"path":"/","methods":["FETCH"],"policy":"public"}
          rules[1].groups      | {"path":"/","policy":"groups"}
          rules[1].groups      | {"path":"/","policy":"public","groups":["staff"]}
          rules[1].groups[0]   | {"path":"/","policy":"groups","groups":[" "]}
          """)
  void rejectedOnCreateAndOnPatch(String field, String rule) {
    String rules = "[" + OK_RULE + "," + rule + "]";
    var created =
        gh.post(
            "/api/admin/apps",
            "{\"name\":\"other\",\"hosts\":[\"other.example.test\"],\"rules\":" + rules + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(400);
    assertThat(created.json().get("field").asText()).isEqualTo(field);
    assertThat(created.json().get("message").asText()).isNotBlank();

    var patched = gh.patch("/api/admin/apps/" + appId, "{\"rules\":" + rules + "}");
    assertThat(patched.status()).as(patched.body()).isEqualTo(400);
    assertThat(patched.json().get("field").asText()).isEqualTo(field);
    assertThat(gh.get("/api/admin/apps/" + appId).json().get("rules")).hasSize(1);
  }

  @ParameterizedTest(name = "host {0}")
  @CsvSource({"evil.com/path", "*.*.example.test", "exa mple.test", "-bad.example.test"})
  void badHostsAreRejectedNamingTheHost(String host) {
    var created =
        gh.post("/api/admin/apps", "{\"name\":\"bad\",\"hosts\":[\"" + host + "\"],\"rules\":[]}");
    assertThat(created.status()).isEqualTo(400);
    assertThat(created.json().get("field").asText()).isEqualTo("hosts[0]");
  }
}
