package dev.gatehouse.admin;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * Serves the OpenAPI 3.1 document of the admin API at {@code /api/openapi.json} and, when {@code
 * server.swagger_ui_enable} is set, Swagger UI for it at {@code /api/docs}.
 */
public final class OpenApiRoutes implements HttpService {
  static final String RESOURCE = "/dev/gatehouse/admin/openapi.json";
  private static final String UI_PAGE = "/dev/gatehouse/admin/swagger-ui.html";
  private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";

  /** The webjar files the page loads; nothing else of the webjar is served. */
  private static final Map<String, String> UI_FILES =
      Map.of(
          "swagger-ui.css", "text/css; charset=utf-8",
          "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
          "favicon-32x32.png", "image/png");

  private final byte[] document;
  private final boolean swaggerUi;

  public OpenApiRoutes(boolean swaggerUi) {
    this.document = resource(RESOURCE);
    this.swaggerUi = swaggerUi;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(
        "/api/openapi.json",
        (req, res) -> res.header(HeaderValues.CONTENT_TYPE_JSON).send(document));
    if (!swaggerUi) {
      return;
    }
    byte[] page = resource(UI_PAGE);
    String webjar = WEBJAR + webjarVersion() + "/";
    rules
        .get(
            "/api/docs",
            (req, res) ->
                res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(page))
        .get("/api/docs/{file}", (req, res) -> sendUiFile(req, res, webjar));
  }

  private static void sendUiFile(ServerRequest req, ServerResponse res, String webjar) {
    String file = req.path().pathParameters().get("file");
    String type = UI_FILES.get(file);
    if (type == null) {
      res.status(Status.NOT_FOUND_404).send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, type).send(resource(webjar + file));
  }

  private static String webjarVersion() {
    Properties pom = new Properties();
    try (InputStream in =
        OpenApiRoutes.class.getResourceAsStream(
            "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is missing from the build");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pom.getProperty("version");
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
