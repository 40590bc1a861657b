package dev.gatehouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.admin.provisioning.Declaration;
import dev.gatehouse.admin.provisioning.Provisioner;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code gatehouse apply}: a read provisioning file, applied where its instance is. A running
 * server that holds the SQLite database gets it through its admin API (the file's secrets already
 * resolved here, where the operator is), so that its memory sees every change; otherwise (stopped,
 * or PostgreSQL, whose nodes hear each other's changes) an instance opened here for the purpose
 * applies it, without listening anywhere but loopback.
 */
final class Apply {
  /** What applying said: the changes, and whether they were made. */
  record Result(List<String> changes, boolean applied) {}

  private Apply() {}

  /**
   * Through the admin API of the server at {@code base} ({@code http://host:port}).
   *
   * @throws ApplyRefused with the server's answer when it refused
   */
  static Result remote(
      Declaration declaration, boolean prune, boolean dryRun, URI base, String apiKey)
      throws IOException, InterruptedException {
    URI uri = base.resolve("/api/admin/provisioning?dry_run=" + dryRun + "&prune=" + prune);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(5))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(declaration)))
            .build();
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    JsonNode body = Json.MAPPER.readTree(response.body().isEmpty() ? "{}" : response.body());
    if (response.statusCode() != 200) {
      JsonNode message = body.get("message");
      throw new ApplyRefused(
          "the server at "
              + base
              + " answered "
              + response.statusCode()
              + ": "
              + (message == null ? response.body() : message.asText()));
    }
    List<String> changes = new ArrayList<>();
    body.path("changes").forEach(c -> changes.add(c.asText()));
    return new Result(changes, body.path("applied").asBoolean());
  }

  /** In an instance of its own, started on loopback only and closed when done. */
  static Result local(
      Declaration declaration,
      boolean prune,
      boolean dryRun,
      Function<Map<String, String>, Config> config,
      Map<String, String> env) {
    Config own =
        config.apply(
            Map.of(
                "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:0",
                "GATEHOUSE_FORWARD_AUTH_LISTEN", "",
                "GATEHOUSE_METRICS_ENABLE", "false",
                "GATEHOUSE_PROVISIONING_FILE", ""));
    try (Gatehouse gatehouse = Gatehouse.start(own, env)) {
      Provisioner.Outcome outcome =
          gatehouse.provisioner().apply(declaration, prune, dryRun, Provisioner.By.SYSTEM);
      return new Result(
          outcome.changes().stream().map(Object::toString).toList(), outcome.applied());
    }
  }

  /** The URL of a server listening at {@code listen}: loopback for a wildcard address. */
  static URI serverAt(HostPort listen) {
    String host = listen.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      host = "127.0.0.1";
    }
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port());
  }

  /** The server refused the file; its answer says why. */
  static final class ApplyRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ApplyRefused(String message) {
      super(message);
    }
  }
}
