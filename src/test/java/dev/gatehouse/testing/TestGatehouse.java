package dev.gatehouse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.web.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real Gatehouse for tests: a real SQLite file in {@code dataDir} (or, in the PostgreSQL run, the
 * data directory's own database: {@link TestBackend}), the public listener on a random loopback
 * port, real HTTP. Hashing runs at the lowest allowed cost so tests stay fast.
 */
public final class TestGatehouse implements AutoCloseable {
  public static final String API_KEY = "gh_ak_test-bootstrap-key-0123456789";
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";

  private final Gatehouse gatehouse;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path dataDir;
  private final Config config;
  private final Map<String, CountDownLatch> echoes = new ConcurrentHashMap<>();
  private boolean listeningForEchoes;

  private TestGatehouse(Gatehouse gatehouse, Path dataDir, Config config) {
    this.gatehouse = gatehouse;
    this.dataDir = dataDir;
    this.config = config;
  }

  /** Starts on {@code dataDir} with test defaults plus {@code overrides} (environment-style). */
  public static TestGatehouse start(Path dataDir, Map<String, String> overrides) {
    return start(dataDir, overrides, InstantSource.system());
  }

  /**
   * As {@link #start(Path, Map)}, with time from {@code clock} (a {@link TestClock} to move it).
   */
  public static TestGatehouse start(
      Path dataDir, Map<String, String> overrides, InstantSource clock) {
    Map<String, String> env = new HashMap<>(serverEnv(dataDir));
    // A test that names its database itself gets that one, on either run.
    if (!overrides.containsKey(TestBackend.URL)) {
      env.putAll(TestBackend.env(dataDir));
    }
    env.putAll(overrides);
    Config config = ConfigLoader.load(null, env);
    SecureRandom random = new SecureRandom();
    return new TestGatehouse(Gatehouse.start(config, env, clock, () -> random), dataDir, config);
  }

  public static TestGatehouse start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /**
   * The environment a test server runs with: temp data dir, random port, cheap hashing, and the
   * database of this run ({@link TestBackend}).
   */
  public static Map<String, String> testEnv(Path dataDir) {
    Map<String, String> env = new HashMap<>(serverEnv(dataDir));
    env.putAll(TestBackend.env(dataDir));
    return env;
  }

  private static Map<String, String> serverEnv(Path dataDir) {
    return Map.of(
        "GATEHOUSE_STORAGE_DATA_DIR", dataDir.toString(),
        "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:0",
        "GATEHOUSE_SERVER_MAX_EVENT_LOOP_BLOCK_MS", "250",
        "GATEHOUSE_FORWARD_AUTH_LISTEN", "127.0.0.1:0",
        "GATEHOUSE_HASHING_ARGON2_M_COST", "32768",
        "GATEHOUSE_HASHING_ARGON2_T_COST", "1",
        "GATEHOUSE_HASHING_ARGON2_P_COST", "2",
        "GATEHOUSE_BOOTSTRAP_API_KEY", API_KEY,
        "GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
  }

  public Gatehouse gatehouse() {
    return gatehouse;
  }

  private record Echo(String key) implements DomainEvent {
    static final String TOPIC = "test-echo";

    @Override
    public List<Announcement> announcements() {
      return List.of(new Announcement(TOPIC, key));
    }
  }

  /**
   * Returns once every write queued so far has committed and, on PostgreSQL, this node has heard
   * and re-read its own announcements of them (they come back through LISTEN, in commit order, a
   * little after the write returned): statement counters read after this see no late re-read.
   */
  public void settle() {
    synchronized (this) {
      if (!listeningForEchoes) {
        gatehouse
            .events()
            .onAnnounced(
                Echo.TOPIC,
                key -> {
                  CountDownLatch heard = echoes.remove(key);
                  if (heard != null) {
                    heard.countDown();
                  }
                  return List.of();
                });
        listeningForEchoes = true;
      }
    }
    String key = UUID.randomUUID().toString();
    CountDownLatch heard = new CountDownLatch(1);
    echoes.put(key, heard);
    gatehouse
        .store()
        .writer()
        .write(
            DataClass.AUDIT,
            tx -> {
              tx.publish(new Echo(key));
              return null;
            });
    if (config.database().url().isEmpty()) {
      echoes.remove(key);
      return;
    }
    try {
      if (!heard.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("this node did not hear its own announcement in 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * A connection of the test's own to the server's database (the SQLite file, or its PostgreSQL
   * database), beside the server's, to look at rows as stored.
   */
  public Connection connectToDatabase() throws SQLException {
    Config.Database database = config.database();
    String url = database.url();
    if (url.isEmpty()) {
      return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
    }
    return DriverManager.getConnection(url, database.user(), database.password());
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

  /** Creates a user with a password and, optionally, groups (created when missing). */
  public String createUser(String username, String password, String... groups) {
    for (String group : groups) {
      send("POST", "/api/admin/groups", "{\"name\":\"" + group + "\"}", API_KEY);
    }
    Response created =
        post(
            "/api/admin/users",
            json(
                Map.of(
                    "username",
                    username,
                    "email",
                    username + "@example.test",
                    "display_name",
                    "User " + username,
                    "password",
                    password,
                    "groups",
                    List.of(groups))));
    if (created.status() != 201) {
      throw new IllegalStateException("creating " + username + ": " + created.body());
    }
    return created.json().get("id").asText();
  }

  /** Creates an app from its JSON body; returns its id. */
  public String createApp(String json) {
    Response created = post("/api/admin/apps", json);
    if (created.status() != 201) {
      throw new IllegalStateException("creating app: " + created.body());
    }
    return created.json().get("id").asText();
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

  /**
   * The sum of every sample of {@code name} (with or without labels) on the metrics listener; start
   * with {@code GATEHOUSE_METRICS_ENABLE=true} and {@code GATEHOUSE_METRICS_LISTEN=127.0.0.1:0}.
   */
  public double metric(String name) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gatehouse.metricsPort() + "/metrics"))
            .build();
    String text;
    try {
      text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Test defaults with the metrics listener on a random loopback port. */
  public static Map<String, String> withMetrics(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.put("GATEHOUSE_METRICS_ENABLE", "true");
    all.put("GATEHOUSE_METRICS_LISTEN", "127.0.0.1:0");
    return all;
  }

  @Override
  public void close() {
    long blocked = gatehouse.blockedEventLoops();
    gatehouse.close();
    http.close();
    // Every test that runs a server checks the threading rule: no route may hold an event loop.
    if (blocked > 0) {
      throw new AssertionError(
          blocked
              + " time(s) an event loop was held past server.max_event_loop_block_ms: a blocking"
              + " call runs on a loop (see the WARNING in the test output)");
    }
  }
}
