import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP stack's own ceiling for bench/forwardauth/run.sh (CEILING=1): the Vert.x version
 * Gatehouse ships, set up as Gatehouse's HTTP stack sets it up (two event loops and HttpServers
 * per core on the same port, native transport when available, a vertx-web Router in front), answering
 * every GET /api/authz/forward-auth with 200, an empty body and four small identity headers after
 * reading the cookie, and deciding nothing. Run from source against a Vert.x build of Gatehouse:
 * {@code java -cp target/gatehouse.jar BareVertx.java PORT [LOOPS]}.
 */
public final class BareVertx {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 2 * Runtime.getRuntime().availableProcessors();
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
    // As Gatehouse does: each server listens from an event-loop context of its own (from this
    // thread they would all share one loop); Vert.x shares the bound port between them.
    List<Future<?>> listening = new ArrayList<>();
    for (int i = 0; i < loops; i++) {
      ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
      Promise<Object> bound = Promise.promise();
      loop.runOnContext(
          v -> vertx.createHttpServer(options).requestHandler(router).listen().onComplete(
              ar -> bound.handle(ar.map(server -> (Object) server))));
      listening.add(bound.future());
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
