package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.metrics.HttpMetrics;
import dev.gatehouse.net.ClientAddresses;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP stack (Vert.x) behind every listener: the public port, {@code [forward_auth] listen}
 * and {@code [metrics] listen}.
 *
 * <p>Threading, which every route states when it registers ({@link Routing}): the event loops
 * parse, route and answer what is in memory (forward-auth decisions, health); anything that can
 * block (JDBC, the writer's acknowledgement, Argon2, rendering a page) runs on a virtual thread of
 * {@link #blocking}, never on a loop. Vert.x's blocked-thread checker watches the loops: a task
 * that holds one longer than {@code [server] max_event_loop_block_ms} is logged and counted in
 * {@code gatehouse_event_loop_blocked_total}, and the tests fail on any.
 *
 * <p>Each listener is one Vert.x server per event loop on the same port, so connections spread over
 * every loop. {@link #close} drains all listeners at once: they stop accepting, answer what is in
 * flight (blocking routes included), then the loops stop.
 */
public final class HttpStack implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HttpStack.class.getName());
  private static final long DRAIN_SECONDS = 10;

  private final Vertx vertx;
  private final ExecutorService blocking;
  private final Config.Limits limits;
  private final ConnectionGuard guard;
  private final List<HttpServer> servers = new ArrayList<>();
  private final int loops;
  private int listeners;
  private final AtomicLong blockedLoops = new AtomicLong();
  private volatile boolean serving;

  private HttpStack(
      Vertx vertx, int loops, Config.Limits limits, ConnectionGuard guard, Counter blocked) {
    this.vertx = vertx;
    this.loops = loops;
    this.limits = limits;
    this.guard = guard;
    this.blocking =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("gh-request-", 0).factory());
    ((VertxInternal) vertx)
        .blockedThreadChecker()
        .setThreadBlockedHandler(
            event -> {
              // Before ready, a loop held is start-up (class loading on a starved machine), not a
              // route: logged and in the metric, not counted against the routes.
              if (serving) {
                blockedLoops.incrementAndGet();
              }
              blocked.inc();
              LOG.warning(
                  () ->
                      String.format(
                          "event loop %s blocked for %d ms (limit %d ms): a blocking call runs on"
                              + " it, now at:%s",
                          event.thread().getName(),
                          TimeUnit.NANOSECONDS.toMillis(event.duration()),
                          TimeUnit.NANOSECONDS.toMillis(event.warningExceptionTime()),
                          Arrays.stream(event.thread().getStackTrace())
                              .limit(12)
                              .map(frame -> "\n\tat " + frame)
                              .collect(Collectors.joining())));
            });
  }

  /** The event loops and virtual threads; no port is bound until {@link #listen}. */
  public static HttpStack create(
      Config.Server config, ClientAddresses clients, PrometheusRegistry registry) {
    Config.Limits limits = config.limits();
    int loops = config.effectiveHttpWorkers();
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(loops)
                // Nothing of Gatehouse runs on Vert.x's worker pool; keep it minimal.
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true)
                .setBlockedThreadCheckInterval(Math.max(5, limits.maxEventLoopBlockMs() / 2))
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(limits.maxEventLoopBlockMs())
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(limits.maxEventLoopBlockMs())
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
                .setDisableTCCL(true));
    Counter blocked =
        Counter.builder()
            .name("gatehouse_event_loop_blocked_total")
            .help("Times an event loop was held longer than server.max_event_loop_block_ms")
            .register(registry);
    ConnectionGuard guard = new ConnectionGuard(limits, clients);
    GaugeWithCallback.builder()
        .name("gatehouse_http_connections")
        .help("Open HTTP connections on all listeners")
        .callback(cb -> cb.call(guard.open()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_http_connections_refused_total")
        .help("Connections closed by a connection cap, the header budget or the header timeout")
        .callback(cb -> cb.call(guard.refused()))
        .register(registry);
    return new HttpStack(vertx, loops, limits, guard, blocked);
  }

  /**
   * A router whose routes say where they run ({@link Routing}); every answer carries {@code hsts}
   * when not null, and its latency is observed in {@code metrics} when not null.
   */
  public Routing routing(@Nullable String hsts, @Nullable HttpMetrics metrics) {
    return new Routing(Router.router(vertx), blocking, limits, hsts, metrics);
  }

  /**
   * Binds {@code address} and serves {@code routing} on it with one server per event loop; returns
   * the bound port. Throws, naming {@code purpose}, when the address cannot be bound.
   */
  public synchronized int listen(String purpose, HostPort address, Routing routing) {
    Handler<HttpServerRequest> entry = routing.entry();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(address.host())
            .setPort(address.port())
            .setTcpNoDelay(true)
            // HTTP/1.x only. With h2c on, Vert.x holds a connection's first request in its own
            // upgrade handler and only hands over the connection (to the guard) once that
            // request's headers are whole: silent and slow connections escaped every limit. And a
            // proxy that passes Upgrade on would let a client tunnel past its rules (h2c
            // smuggling).
            .setHttp2ClearTextEnabled(false)
            .setMaxHeaderSize(limits.maxHeaderBytes())
            .setMaxInitialLineLength(limits.maxRequestLineBytes())
            // The body handler holds forms to max_form_bytes (413). Vert.x's own form decoder sees
            // each chunk first and, at the same limit, would fail the request with 400 instead:
            // give it one chunk more than the body handler can let through.
            .setMaxFormAttributeSize(
                limits.maxFormBytes() + HttpServerOptions.DEFAULT_MAX_CHUNK_SIZE)
            .setMaxFormBufferedBytes(
                limits.maxFormBytes() + HttpServerOptions.DEFAULT_MAX_CHUNK_SIZE)
            .setIdleTimeout(limits.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setHandle100ContinueAutomatically(false);
    // Port 0 (tests): Vert.x shares one random port among the servers given the same negative one.
    int port = address.port() == 0 ? -(++listeners) : address.port();
    options.setPort(port);
    try {
      for (int i = 0; i < loops; i++) {
        HttpServer server =
            vertx
                .createHttpServer(options)
                .connectionHandler(guard::opened)
                .invalidRequestHandler(
                    request -> {
                      HttpDate.stamp(request);
                      ErrorResponses.invalidRequest(request);
                    })
                .requestHandler(
                    request -> {
                      HttpDate.stamp(request);
                      entry.handle(request);
                    });
        servers.add(server);
        // Each server on an event loop of its own: listening from this (non-Vert.x) thread would
        // put every server on the one context Vert.x keeps for it, and all connections on one loop.
        ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
        Promise<HttpServer> bound = Promise.promise();
        loop.runOnContext(v -> server.listen().onComplete(bound));
        await(bound.future());
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on " + address + " for " + purpose, e);
    }
    return servers.getLast().actualPort();
  }

  /** Called once every listener is bound and Gatehouse is ready: routes are what runs from now. */
  public void serving() {
    serving = true;
  }

  /** Times a loop was held past the limit since {@link #serving}. */
  public long blockedLoops() {
    return blockedLoops.get();
  }

  /** Stops accepting on every listener, answers what is in flight, then stops the loops. */
  @Override
  public synchronized void close() {
    List<Future<Void>> drains = new ArrayList<>();
    for (HttpServer server : servers.reversed()) {
      drains.add(server.shutdown(DRAIN_SECONDS, TimeUnit.SECONDS));
    }
    try {
      await(Future.join(drains));
    } catch (RuntimeException e) {
      LOG.warning("listeners did not drain cleanly: " + e.getMessage());
    }
    servers.clear();
    blocking.close();
    try {
      await(vertx.close());
    } catch (RuntimeException e) {
      LOG.warning("event loops did not stop cleanly: " + e.getMessage());
    }
  }

  /** Waits for {@code future} from a thread that is not an event loop (start-up and shutdown). */
  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }
}
