import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How long a change committed on one node takes to be honoured by the others' decisions: for each
 * round, the admin API on node A takes alice out of the app's group (a revocation) and, once A has
 * answered (the write is acknowledged), B and C are asked forward-auth in tight loops until they
 * deny; then she is put back (a grant) and they are asked until they allow again. Prints p50, p99
 * and max per node and direction, in milliseconds from A's acknowledgement.
 *
 * <p>java Propagation.java ROUNDS API_KEY COOKIE HOST NODE_A NODE_B [NODE_C ...]
 */
public final class Propagation {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    String apiKey = args[1];
    String cookie = args[2];
    String host = args[3];
    URI a = URI.create(args[4]);
    List<URI> others = Arrays.stream(args, 5, args.length).map(URI::create).toList();
    List<List<Double>> revoke = new ArrayList<>();
    List<List<Double>> grant = new ArrayList<>();
    for (int n = 0; n < others.size(); n++) {
      revoke.add(new ArrayList<>());
      grant.add(new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      measure(
          () -> admin(a, apiKey, "DELETE", "/api/admin/groups/staff/members/alice", null),
          others, cookie, host, 403, revoke);
      measure(
          () -> admin(a, apiKey, "POST", "/api/admin/groups/staff/members",
              "{\"username\":\"alice\"}"),
          others, cookie, host, 200, grant);
    }
    System.out.println("| change | node | rounds | p50 ms | p99 ms | max ms |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    for (int n = 0; n < others.size(); n++) {
      row("revoke", others.get(n), revoke.get(n));
      row("grant", others.get(n), grant.get(n));
    }
  }

  interface Change {
    int apply() throws Exception;
  }

  private static void measure(
      Change change, List<URI> others, String cookie, String host, int expect,
      List<List<Double>> into) throws Exception {
    int status = change.apply();
    long acknowledged = System.nanoTime();
    if (status >= 300) {
      throw new IllegalStateException("the change failed: " + status);
    }
    List<CompletableFuture<Double>> waits = new ArrayList<>();
    for (URI node : others) {
      waits.add(
          CompletableFuture.supplyAsync(
              () -> {
                long deadline = acknowledged + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline) {
                  if (decide(node, cookie, host) == expect) {
                    return (System.nanoTime() - acknowledged) / 1e6;
                  }
                }
                throw new IllegalStateException(node + " never answered " + expect);
              }));
    }
    for (int n = 0; n < others.size(); n++) {
      into.get(n).add(waits.get(n).join());
    }
  }

  private static int admin(URI node, String apiKey, String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(node.resolve(path))
            .header("Authorization", "Bearer " + apiKey)
            .method(method, json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int decide(URI node, String cookie, String host) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(node.resolve("/api/authz/forward-auth"))
                  .header("X-Forwarded-Method", "GET")
                  .header("X-Forwarded-Proto", "https")
                  .header("X-Forwarded-Host", host)
                  .header("X-Forwarded-Uri", "/")
                  .header("Cookie", "gh_session=" + cookie)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void row(String change, URI node, List<Double> millis) {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(
        "| %s | %s | %d | %.1f | %.1f | %.1f |%n",
        change, node.getPort(), sorted.length, percentile(sorted, 50), percentile(sorted, 99),
        sorted[sorted.length - 1]);
  }

  private static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
