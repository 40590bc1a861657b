package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.web.Json;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code openapi.json} must describe exactly the routes {@link AdminRoutes#ROUTES} registers, so a
 * route added without documentation (or documentation left behind by a removed route) fails here;
 * the client schemas must name exactly the fields of the records behind them.
 */
class OpenApiDocumentsEveryAdminRouteTest {
  private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static JsonNode doc;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      assertThat(in).isNotNull();
      doc = Json.MAPPER.readTree(in);
    }
  }

  private static JsonNode operation(AdminRoutes.Route route) {
    return doc.path("paths")
        .path(route.path())
        .path(route.method().name().toLowerCase(Locale.ROOT));
  }

  private static boolean writes(AdminRoutes.Route route) {
    return !route.method().equals(HttpMethod.GET) && !route.method().equals(HttpMethod.HEAD);
  }

  @Test
  void isOpenApi31WithBearerAuthForEveryCall() {
    assertThat(doc.path("openapi").asText()).startsWith("3.1.");
    assertThat(
            doc.path("components").path("securitySchemes").path("apiKey").path("scheme").asText())
        .isEqualTo("bearer");
    assertThat(doc.path("security").get(0).has("apiKey")).isTrue();
  }

  @Test
  void everyRegisteredRouteIsDocumentedWithItsMethod() {
    assertThat(AdminRoutes.ROUTES).isNotEmpty();
    for (AdminRoutes.Route route : AdminRoutes.ROUTES) {
      assertThat(operation(route).isObject())
          .as("%s %s is in openapi.json", route.method().name(), route.path())
          .isTrue();
    }
  }

  @Test
  void everyDocumentedOperationIsARegisteredRoute() {
    Set<String> registered = new HashSet<>();
    AdminRoutes.ROUTES.forEach(
        r -> registered.add(r.method().name().toLowerCase(Locale.ROOT) + " " + r.path()));
    List<String> documented = new ArrayList<>();
    doc.path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue().properties().stream()
                    .map(Map.Entry::getKey)
                    .forEach(
                        method -> {
                          if (HTTP_METHODS.contains(method)) {
                            documented.add(method + " " + path.getKey());
                          }
                        }));
    assertThat(documented).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(registered);
  }

  @Test
  void everyRouteDocumentsItsSuccessItsErrorsAndItsBody() {
    for (AdminRoutes.Route route : AdminRoutes.ROUTES) {
      String name = route.method().name() + " " + route.path();
      JsonNode responses = operation(route).path("responses");
      assertThat(responses.properties().stream().anyMatch(code -> code.getKey().startsWith("2")))
          .as("%s has a success response", name)
          .isTrue();
      assertThat(responses.has("401")).as("%s documents 401", name).isTrue();
      if (writes(route)) {
        assertThat(responses.has("403")).as("%s documents 403", name).isTrue();
      }
      if (route.path().contains("{")) {
        assertThat(responses.has("404")).as("%s documents 404", name).isTrue();
      }
      if (route.method().equals(HttpMethod.POST) || route.method().equals(HttpMethod.PATCH)) {
        assertThat(responses.has("400")).as("%s documents 400", name).isTrue();
      }
      if (route.method().equals(HttpMethod.PATCH)
          || (route.method().equals(HttpMethod.POST) && !route.path().endsWith("/secret"))) {
        assertThat(operation(route).path("requestBody").path("content").has("application/json"))
            .as("%s documents its JSON body", name)
            .isTrue();
      }
      if (route.method().equals(HttpMethod.GET) && !route.path().contains("{")) {
        assertThat(responses.has("400")).as("%s documents a bad limit", name).isTrue();
        // Lists page by offset, except the audit log, which grows while it is read.
        assertThat(parameterNames(route))
            .as(name)
            .contains("limit")
            .containsAnyOf("offset", "cursor");
      }
    }
  }

  @Test
  void clientSchemasDocumentEveryFieldTheApiReadsOrWrites() {
    assertThat(schemaProperties("Client"))
        .containsExactlyInAnyOrderElementsOf(
            jsonFields(Json.MAPPER.getSerializationConfig().introspect(type(Client.class))));
    assertThat(schemaProperties("NewClient"))
        .containsExactlyInAnyOrderElementsOf(
            jsonFields(
                Json.MAPPER.getDeserializationConfig().introspect(type(ClientRequest.class))));
  }

  @Test
  void everyPathParameterIsDeclared() {
    for (AdminRoutes.Route route : AdminRoutes.ROUTES) {
      Matcher matcher = PATH_PARAM.matcher(route.path());
      while (matcher.find()) {
        assertThat(parameterNames(route))
            .as("%s %s declares {%s}", route.method().name(), route.path(), matcher.group(1))
            .contains(matcher.group(1));
      }
    }
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
    }
  }

  @Test
  void isServedAtApiOpenapiJsonWithoutAKey(@TempDir Path dir) {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      TestGatehouse.Response served = gh.send("GET", "/api/openapi.json", null, null);

      assertThat(served.status()).isEqualTo(200);
      assertThat(served.raw().headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      assertThat(served.json()).isEqualTo(doc);
    }
  }

  private static List<String> schemaProperties(String schema) {
    List<String> names = new ArrayList<>();
    doc.path("components")
        .path("schemas")
        .path(schema)
        .path("properties")
        .fieldNames()
        .forEachRemaining(names::add);
    return names;
  }

  private static JavaType type(Class<?> type) {
    return Json.MAPPER.constructType(type);
  }

  private static List<String> jsonFields(BeanDescription description) {
    return description.findProperties().stream().map(BeanPropertyDefinition::getName).toList();
  }

  private static List<String> parameterNames(AdminRoutes.Route route) {
    List<String> names = new ArrayList<>();
    JsonNode pathItem = doc.path("paths").path(route.path());
    for (JsonNode list :
        List.of(pathItem.path("parameters"), operation(route).path("parameters"))) {
      for (JsonNode parameter : list) {
        JsonNode resolved =
            parameter.has("$ref") ? doc.at(parameter.get("$ref").asText().substring(1)) : parameter;
        names.add(resolved.path("name").asText());
      }
    }
    return names;
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject() && node.has("$ref")) {
      refs.add(node.get("$ref").asText());
    }
    node.forEach(child -> collectRefs(child, refs));
  }
}
