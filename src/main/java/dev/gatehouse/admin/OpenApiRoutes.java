package dev.gatehouse.admin;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the OpenAPI 3.1 document of the admin API at {@code /api/openapi.json}. */
public final class OpenApiRoutes implements HttpService {
  static final String RESOURCE = "/dev/gatehouse/admin/openapi.json";
  private final byte[] document;

  public OpenApiRoutes() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      document = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(
        "/api/openapi.json",
        (req, res) -> res.header(HeaderValues.CONTENT_TYPE_JSON).send(document));
  }
}
