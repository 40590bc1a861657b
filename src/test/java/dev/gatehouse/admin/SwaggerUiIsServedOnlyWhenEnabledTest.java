package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwaggerUiIsServedOnlyWhenEnabledTest {
  @TempDir Path dir;

  @Test
  void docsAreNotFoundByDefault() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(gh.send("GET", "/api/docs", null, null).status()).isEqualTo(404);
      assertThat(gh.send("GET", "/api/docs/swagger-ui-bundle.js", null, null).status())
          .isEqualTo(404);
      assertThat(gh.send("GET", "/api/openapi.json", null, null).status()).isEqualTo(200);
    }
  }

  @Test
  void enabledDocsServeSwaggerUiPointedAtTheDocument() {
    try (TestGatehouse gh =
        TestGatehouse.start(dir, Map.of("GATEHOUSE_SERVER_SWAGGER_UI_ENABLE", "true"))) {
      TestGatehouse.Response page = gh.send("GET", "/api/docs", null, null);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.raw().headers().firstValue("Content-Type"))
          .hasValue("text/html; charset=utf-8");
      assertThat(page.body()).contains("\"/api/openapi.json\"").contains("SwaggerUIBundle");

      for (String asset : new String[] {"swagger-ui-bundle.js", "swagger-ui.css"}) {
        TestGatehouse.Response served = gh.send("GET", "/api/docs/" + asset, null, null);
        assertThat(served.status()).as(asset).isEqualTo(200);
        assertThat(served.body()).as(asset).hasSizeGreaterThan(1000);
      }
      assertThat(gh.send("GET", "/api/docs/index.html", null, null).status()).isEqualTo(404);
      assertThat(gh.send("GET", "/api/docs/..%2F..%2Fopenapi.json", null, null).status())
          .isEqualTo(404);
    }
  }
}
