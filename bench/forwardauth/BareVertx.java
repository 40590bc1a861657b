import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP stack's own ceiling for bench/forwardauth/run.sh (CEILING=1): the Vert.x version
 * Gatehouse ships, set up as Gatehouse's HTTP stack sets it up (one event loop and one HttpServer
 * per core on the same port, native transport when available, a vertx-web Router in front), answering
 * every GET /api/authz/forward-auth with 200, an empty body and four small identity headers after
 * reading the cookie, and deciding nothing. Run from source against a Vert.x build of Gatehouse:
 * {@code java -cp target/gatehouse.jar BareVertx.java PORT [LOOPS]}.
 */
public final class BareVertx {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(loops)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true)
                .setDisableTCCL(true));
    Router router = Router.router(vertx);
    router
        .get("/api/authz/forward-auth")
        .handler(
            ctx -> {
              boolean cookie = ctx.request().getHeader("Cookie") != null;
              ctx.response()
                  .putHeader("Remote-User", cookie ? "bench" : "")
                  .putHeader("Remote-Groups", cookie ? "group-1,group-2" : "")
                  .putHeader("Remote-Email", cookie ? "bench@bench.test" : "")
                  .putHeader("Remote-Name", cookie ? "Bench" : "")
                  .end();
            });
    HttpServerOptions options =
        new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true);
    // Created from this (non-Vert.x) thread with the same options: Vert.x gives each its own event
    // loop and shares the bound port between them.
    List<Future<?>> listening = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      listening.add(vertx.createHttpServer(options).requestHandler(router).listen());
    }
    Future.all(listening)
        .onSuccess(
            x ->
                System.out.println(
                    "BareVertx on 127.0.0.1:" + port + ", " + loops + " event loops, native transport "
                        + vertx.isNativeTransportEnabled()))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }
}
