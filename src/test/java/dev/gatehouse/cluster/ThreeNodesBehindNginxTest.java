package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.RealProxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster as it runs: three Gatehouse processes on one real PostgreSQL behind real nginx,
 * round-robin, retrying the next node on errors. A sign-in through any node is honoured by all; a
 * disable on one is honoured by all; a node killed with SIGKILL under write load loses no write it
 * acknowledged (nginx sends the clients to the others); a PostgreSQL restart under load does not
 * stop decisions, and writes come back by themselves.
 */
@Tag(TestBackend.OWN_DATABASE)
class ThreeNodesBehindNginxTest {
  private static final String APP =
      """
      {"name":"wiki","hosts":["wiki.example.test"],"rules":[
        {"path":"/","policy":"groups","groups":["staff"]}]}""";

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void signInDisableKillAndDatabaseRestart() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      Map<String, String> env = cluster.env(Map.of("GATEHOUSE_SESSION_ACTIVITY_FLUSH_MS", "1000"));
      List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Path nodeDir = dir.resolve("node" + i);
        starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(nodeDir, env)));
      }
      List<NodeProcess> nodes = starting.stream().map(CompletableFuture::join).toList();
      int port = RealProxy.freePort();
      try (RealProxy nginx = RealProxy.nginx(dir, port, nginxConf(port, nodes));
          AutoCloseable stopNodes = () -> nodes.forEach(NodeProcess::close)) {
        URI front = URI.create("http://127.0.0.1:" + port);
        assertThat(createGroup(front, "staff")).isEqualTo(201);
        assertThat(api(front, "POST", "/api/admin/users", user("alice")).statusCode())
            .isEqualTo(201);
        assertThat(api(front, "POST", "/api/admin/apps", APP).statusCode()).isEqualTo(201);

        // Signed in through nginx (one node), honoured by every node at once.
        String alice = signIn(front, "alice");
        for (int i = 0; i < 30; i++) {
          assertThat(forwardAuth(front, alice)).as("decision %d", i).isEqualTo(200);
        }
        for (NodeProcess node : nodes) {
          assertThat(forwardAuth(node.uri(), alice)).isEqualTo(200);
        }

        // Disabled through one node: every node denies.
        String aliceId = idOf(front, "alice");
        assertThat(
                api(front, "PATCH", "/api/admin/users/" + aliceId, "{\"disabled\":true}")
                    .statusCode())
            .isEqualTo(200);
        for (NodeProcess node : nodes) {
          ClusterNodesStayInStepTest.eventually(() -> forwardAuth(node.uri(), alice) == 401);
        }

        // SIGKILL one node while clients write through nginx: nothing acknowledged is lost.
        assertThat(api(front, "POST", "/api/admin/users", user("bob")).statusCode()).isEqualTo(201);
        String bob = signIn(front, "bob");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<CompletableFuture<Void>> writers =
            IntStream.range(0, 8)
                .mapToObj(
                    w ->
                        CompletableFuture.runAsync(
                            () -> {
                              for (int i = 0; writing.get(); i++) {
                                String name = "w" + w + "-" + i;
                                int status = createGroup(front, name);
                                if (status == 201) {
                                  acknowledged.add(name);
                                } else if (status != 409) {
                                  refused.incrementAndGet();
                                }
                              }
                            }))
                .toList();
        Thread.sleep(1_500);
        nodes.get(1).kill();
        Thread.sleep(1_500);
        writing.set(false);
        writers.forEach(CompletableFuture::join);
        Set<String> stored = groupsIn(cluster);
        System.out.printf(
            "kill -9 under write load: %d writes acknowledged, %d refused%n",
            acknowledged.size(), refused.get());
        assertThat(acknowledged).isNotEmpty();
        assertThat(acknowledged.stream().filter(n -> !stored.contains(n)).toList())
            .as(
                "acknowledged, then lost (%d acknowledged, %d refused)",
                acknowledged.size(), refused.get())
            .isEmpty();

        // PostgreSQL restarts under load: decisions keep flowing, writes come back by themselves.
        List<NodeProcess> alive = List.of(nodes.get(0), nodes.get(2));
        AtomicBoolean deciding = new AtomicBoolean(true);
        Map<Integer, AtomicInteger> decisions = new ConcurrentHashMap<>();
        CompletableFuture<Void> load =
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; deciding.get(); i++) {
                    int status = forwardAuth(alive.get(i % 2).uri(), bob);
                    decisions.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                  }
                });
        Thread.sleep(300);
        cluster.postgres().restart(Duration.ofSeconds(1));
        ClusterNodesStayInStepTest.eventually(
            () -> createGroup(front, "after-restart-" + System.nanoTime()) == 201);
        Thread.sleep(300);
        deciding.set(false);
        load.join();
        assertThat(decisions.keySet())
            .as("decisions during the restart: %s", decisions)
            .containsExactly(200);
        assertThat(decisions.get(200).get()).isGreaterThan(10);
        System.out.println("decisions during the PostgreSQL restart: " + decisions);
      }
    }
  }

  private static String nginxConf(int port, List<NodeProcess> nodes) {
    String servers =
        nodes.stream()
            .map(n -> "    server 127.0.0.1:" + n.port + " max_fails=1 fail_timeout=5s;")
            .collect(Collectors.joining("\n"));
    return """
        %s
        worker_processes 1;
        pid nginx.pid;
        error_log stderr notice;
        events { worker_connections 256; }
        http {
          access_log off;
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
          upstream gatehouse {
        %s
          }
          server {
            listen 127.0.0.1:%d;
            location / {
              proxy_pass http://gatehouse;
              # A node that died takes its connections with it: the request goes to the next.
              proxy_next_upstream error timeout non_idempotent;
              proxy_next_upstream_tries 3;
              proxy_connect_timeout 1s;
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            }
          }
        }
        """
        .formatted(RealProxy.nginxUser(), servers, port);
  }

  private static String user(String name) {
    return "{\"username\":\"%s\",\"password\":\"%s-password\",\"groups\":[\"staff\"]}"
        .formatted(name, name);
  }

  private String signIn(URI front, String name) {
    try (Browser browser = new Browser(front)) {
      assertThat(browser.login(name, name + "-password").statusCode()).isEqualTo(303);
      return browser.cookieHeader();
    }
  }

  private String idOf(URI front, String username) {
    String body = send(front, "GET", "/api/admin/users?limit=100", null).body();
    int at = body.indexOf("\"username\":\"" + username + "\"");
    int id = body.lastIndexOf("\"id\":\"", at);
    return body.substring(id + 6, body.indexOf('"', id + 6));
  }

  private int createGroup(URI front, String name) {
    try {
      return api(front, "POST", "/api/admin/groups", "{\"name\":\"" + name + "\"}").statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private HttpResponse<String> api(URI front, String method, String path, String json) {
    return send(front, method, path, json);
  }

  private HttpResponse<String> send(URI base, String method, String path, String json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TestGatehouse.API_KEY)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int forwardAuth(URI base, String cookies) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/authz/forward-auth"))
            .timeout(Duration.ofSeconds(5))
            .header("X-Forwarded-Method", "GET")
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "wiki.example.test")
            .header("X-Forwarded-Uri", "/page")
            .header("Cookie", cookies)
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> groupsIn(Cluster cluster) throws Exception {
    Set<String> names = new HashSet<>();
    try (Connection c = cluster.postgres().connect(cluster.database().name());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT name FROM groups_")) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    }
    return names;
  }
}
