package dev.gatehouse.admin;

import dev.gatehouse.web.Routing;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Serves the OpenAPI 3.1 document of the admin API at {@code /api/openapi.json} and, when {@code
 * server.swagger_ui_enable} is set, Swagger UI for it at {@code /api/docs}.
 */
public final class OpenApiRoutes {
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

  /** On the event loop: the document and the UI are bytes in memory. */
  public void register(Routing routing) {
    routing.onLoop(
        HttpMethod.GET,
        "/api/openapi.json",
        ctx ->
            ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(document)));
    if (!swaggerUi) {
      return;
    }
    byte[] page = resource(UI_PAGE);
    String webjar = WEBJAR + webjarVersion() + "/";
    Map<String, Buffer> files = new HashMap<>();
    UI_FILES.keySet().forEach(file -> files.put(file, Buffer.buffer(resource(webjar + file))));
    routing
        .onLoop(
            HttpMethod.GET,
            "/api/docs",
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .end(Buffer.buffer(page)))
        .onLoop(HttpMethod.GET, "/api/docs/:file", ctx -> sendUiFile(ctx, files));
  }

  private static void sendUiFile(RoutingContext ctx, Map<String, Buffer> files) {
    String file = ctx.pathParam("file");
    String type = UI_FILES.get(file);
    if (type == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    ctx.response().putHeader("Content-Type", type).end(files.get(file));
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
