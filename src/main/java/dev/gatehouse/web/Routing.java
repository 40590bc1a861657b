package dev.gatehouse.web;

import dev.gatehouse.config.Config;
import dev.gatehouse.metrics.HttpMetrics;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Where a feature registers its routes on one listener's router, each saying where it runs:
 *
 * <ul>
 *   <li>{@link #onLoop}: on the event loop, for handlers that read memory only (forward-auth,
 *       health). No hand-off, no wake-up: the cheapest path there is.
 *   <li>{@link #get}, {@link #post} and the rest: on a virtual thread, for anything that can block
 *       (JDBC, the writer, Argon2, rendering). A body is read first, within {@code max_form_bytes}
 *       for forms and {@code max_json_bytes} otherwise, and the answer must come within {@code
 *       request_timeout_ms}.
 * </ul>
 *
 * Errors a handler throws, and limits a request breaks, are answered in the shape of the routes
 * that registered them: JSON ({@code {"error","field","message"}}) or, after {@link #pages()}, an
 * HTML page.
 */
public final class Routing {
  /** How errors of a route are answered. */
  public enum Shape {
    JSON,
    HTML
  }

  private static final Set<HttpMethod> HAS_BODY =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  private final Router router;
  private final ExecutorService blocking;
  private final Handler<RoutingContext> formBody;
  private final Handler<RoutingContext> jsonBody;
  private final Handler<RoutingContext> timeout;
  private final Shape shape;
  private final Map<String, Handler<HttpServerRequest>> direct;
  private final @Nullable String hsts;
  private final @Nullable HttpMetrics metrics;

  Routing(
      Router router,
      ExecutorService blocking,
      Config.Limits limits,
      @Nullable String hsts,
      @Nullable HttpMetrics metrics) {
    this(
        router,
        blocking,
        BodyHandler.create(false).setBodyLimit(limits.maxFormBytes()),
        BodyHandler.create(false).setBodyLimit(limits.maxJsonBytes()),
        TimeoutHandler.create(limits.requestTimeoutMs(), 503),
        Shape.JSON,
        new HashMap<>(),
        hsts,
        metrics);
    if (hsts != null || metrics != null) {
      router.route().handler(new Preamble(hsts, metrics));
    }
    router.errorHandler(404, ErrorResponses::json);
    router.errorHandler(405, ErrorResponses::json);
    router.errorHandler(500, ErrorResponses::json);
  }

  private Routing(
      Router router,
      ExecutorService blocking,
      Handler<RoutingContext> formBody,
      Handler<RoutingContext> jsonBody,
      Handler<RoutingContext> timeout,
      Shape shape,
      Map<String, Handler<HttpServerRequest>> direct,
      @Nullable String hsts,
      @Nullable HttpMetrics metrics) {
    this.direct = direct;
    this.hsts = hsts;
    this.metrics = metrics;
    this.router = router;
    this.blocking = blocking;
    this.formBody = formBody;
    this.jsonBody = jsonBody;
    this.timeout = timeout;
    this.shape = shape;
  }

  /** The same router, for routes whose errors are HTML pages (the portal's). */
  public Routing pages() {
    return new Routing(
        router, blocking, formBody, jsonBody, timeout, Shape.HTML, direct, hsts, metrics);
  }

  /** On the event loop: {@code handler} must read memory only and never block. */
  public Routing onLoop(HttpMethod method, String path, Handler<RoutingContext> handler) {
    failures(router.route(method, path).handler(handler));
    return this;
  }

  /**
   * The hot path: a GET of exactly {@code path} is answered on the event loop before the router is
   * consulted, with no routing context and no route matching (a fifth of a forward-auth decision's
   * CPU time went there). For handlers that read memory only and need nothing of the router. The
   * router also carries the route, for the spellings an exact match does not see.
   */
  public Routing direct(String path, Handler<HttpServerRequest> handler) {
    Handler<HttpServerRequest> observed = observed(path, handler);
    direct.put(path, observed);
    return onLoop(HttpMethod.GET, path, ctx -> handler.handle(ctx.request()));
  }

  /** {@code handler} with the preamble's HSTS header and latency observation. */
  private Handler<HttpServerRequest> observed(String path, Handler<HttpServerRequest> handler) {
    if (hsts == null && metrics == null) {
      return handler;
    }
    String label = Preamble.label(path);
    return request -> {
      long start = System.nanoTime();
      if (hsts != null) {
        request.response().putHeader("Strict-Transport-Security", hsts);
      }
      handler.handle(request);
      if (metrics != null) {
        metrics.observe(
            "GET", label, request.response().getStatusCode(), System.nanoTime() - start);
      }
    };
  }

  /** What a listener hands every request: the direct routes first, then the router. */
  Handler<HttpServerRequest> entry() {
    Map<String, Handler<HttpServerRequest>> exact = Map.copyOf(direct);
    if (exact.isEmpty()) {
      return router;
    }
    return request -> {
      Handler<HttpServerRequest> handler =
          request.method() == HttpMethod.GET ? exact.get(request.path()) : null;
      if (handler != null) {
        handler.handle(request);
      } else {
        router.handle(request);
      }
    };
  }

  public Routing get(String path, Handler<RoutingContext> handler) {
    return blocking(HttpMethod.GET, path, handler);
  }

  public Routing post(String path, Handler<RoutingContext> handler) {
    return blocking(HttpMethod.POST, path, handler);
  }

  public Routing put(String path, Handler<RoutingContext> handler) {
    return blocking(HttpMethod.PUT, path, handler);
  }

  public Routing patch(String path, Handler<RoutingContext> handler) {
    return blocking(HttpMethod.PATCH, path, handler);
  }

  public Routing delete(String path, Handler<RoutingContext> handler) {
    return blocking(HttpMethod.DELETE, path, handler);
  }

  /** On a virtual thread, after the body (if any) is read within its limit. */
  public Routing blocking(HttpMethod method, String path, Handler<RoutingContext> handler) {
    return blocking(router.route(method, path), handler);
  }

  /** As {@link #blocking} for every method: a catch-all below a prefix. */
  public Routing any(String path, Handler<RoutingContext> handler) {
    return blocking(router.route(path), handler);
  }

  private Routing blocking(Route route, Handler<RoutingContext> handler) {
    route
        .handler(timeout)
        .handler(
            ctx -> {
              if (HAS_BODY.contains(ctx.request().method())) {
                (Form.isForm(ctx) ? formBody : jsonBody).handle(ctx);
              } else {
                ctx.next();
              }
            });
    failures(route.handler(ctx -> dispatch(ctx, handler)));
    return this;
  }

  private void failures(Route route) {
    route.failureHandler(shape == Shape.HTML ? ErrorResponses::page : ErrorResponses::json);
  }

  /**
   * Runs {@code handler} on a virtual thread. It answers from there (Vert.x's responses may be
   * written from any thread); a failure goes back to the loop, where the router's failure handling
   * runs.
   */
  private void dispatch(RoutingContext ctx, Handler<RoutingContext> handler) {
    Context context = Vertx.currentContext();
    try {
      blocking.execute(
          () -> {
            try {
              handler.handle(ctx);
            } catch (RuntimeException | LinkageError | AssertionError e) {
              // Answered as a 500 (logged there); anything else of Error's ends the process.
              context.runOnContext(v -> ctx.fail(e));
            }
          });
    } catch (RejectedExecutionException e) {
      // Stopping: the executor takes no more work.
      ctx.fail(503, e);
    }
  }

  /** First on every request: the HSTS header (error answers included) and latency by route. */
  private record Preamble(@Nullable String hsts, @Nullable HttpMetrics metrics)
      implements Handler<RoutingContext> {
    /** Route patterns as metric labels, written as the OpenAPI document writes them. */
    private static final ConcurrentHashMap<String, String> LABELS = new ConcurrentHashMap<>();

    private static String label(String pattern) {
      return pattern.replaceAll(":(\\w+)", "{$1}");
    }

    @Override
    public void handle(RoutingContext ctx) {
      if (hsts != null) {
        ctx.response().putHeader("Strict-Transport-Security", hsts);
      }
      if (metrics != null) {
        long start = System.nanoTime();
        ctx.addEndHandler(
            v -> {
              Route route = ctx.currentRoute();
              String path = route == null ? null : route.getPath();
              metrics.observe(
                  ctx.request().method().name(),
                  path == null ? "unmatched" : LABELS.computeIfAbsent(path, Preamble::label),
                  ctx.response().getStatusCode(),
                  System.nanoTime() - start);
            });
      }
      ctx.next();
    }
  }
}
