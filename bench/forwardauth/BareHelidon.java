import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

/**
 * The HTTP server's own ceiling for bench/forwardauth/run.sh (CEILING=1): the Helidon version
 * Gatehouse ships, with the same carriers and JVM flags, answering every forward-auth request with
 * 200 and a Remote-User header after reading the cookie, and deciding nothing. Run from source
 * against Gatehouse's jar: {@code java -cp target/gatehouse.jar BareHelidon.java PORT}.
 */
public final class BareHelidon {
  public static void main(String[] args) throws InterruptedException {
    // What Gatehouse sets from server.http_workers = 0: two carriers per core.
    System.setProperty(
        "jdk.virtualThreadScheduler.parallelism",
        Integer.toString(2 * Runtime.getRuntime().availableProcessors()));
    WebServer.builder()
        .host("127.0.0.1")
        .port(Integer.parseInt(args[0]))
        .routing(
            routing ->
                routing.get(
                    "/api/authz/forward-auth",
                    (req, res) ->
                        res.header(
                                "Remote-User",
                                req.headers().first(HeaderNames.COOKIE).isPresent() ? "bench" : "")
                            .send()))
        .build()
        .start();
    Thread.currentThread().join();
  }
}
