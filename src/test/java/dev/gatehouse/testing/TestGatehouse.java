package dev.gatehouse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A real Gatehouse for tests: a real SQLite file in {@code dataDir}, the public listener on a
 * random loopback port, real HTTP. Hashing runs at the lowest allowed cost so tests stay fast.
 */
public final class TestGatehouse implements AutoCloseable {
  public static final String API_KEY = "gh_ak_test-bootstrap-key-0123456789";
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  private final Gatehouse gatehouse;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path dataDir;

  private TestGatehouse(Gatehouse gatehouse, Path dataDir) {
    this.gatehouse = gatehouse;
    this.dataDir = dataDir;
  }

  /** Starts on {@code dataDir} with test defaults plus {@code overrides} (environment-style). */
  public static TestGatehouse start(Path dataDir, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(testEnv(dataDir));
    env.putAll(overrides);
    Config config = ConfigLoader.load(null, env);
    return new TestGatehouse(Gatehouse.start(config, env), dataDir);
  }

  public static TestGatehouse start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** The environment a test server runs with: temp data dir, random port, cheap hashing. */
  public static Map<String, String> testEnv(Path dataDir) {
    return Map.of(
        "GATEHOUSE_STORAGE_DATA_DIR", dataDir.toString(),
        "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:0",
        "GATEHOUSE_HASHING_ARGON2_M_COST", "32768",
        "GATEHOUSE_HASHING_ARGON2_T_COST", "1",
        "GATEHOUSE_HASHING_ARGON2_P_COST", "2",
        "GATEHOUSE_BOOTSTRAP_API_KEY", API_KEY,
        "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
  }

  public Gatehouse gatehouse() {
    return gatehouse;
  }

  public Path dataDir() {
    return dataDir;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gatehouse.port() + path);
  }

  /** A response with its body parsed as JSON when it is JSON. */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  public Response get(String path) {
    return send("GET", path, null, API_KEY);
  }

  public Response post(String path, String json) {
    return send("POST", path, json, API_KEY);
  }

  public Response patch(String path, String json) {
    return send("PATCH", path, json, API_KEY);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, API_KEY);
  }

  /** Any request; {@code apiKey} null sends no Authorization header. */
  public Response send(String method, String path, @Nullable String json, @Nullable String apiKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    gatehouse.close();
    http.close();
  }
}
