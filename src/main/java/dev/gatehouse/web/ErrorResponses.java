package dev.gatehouse.web;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.StoreException;
import dev.gatehouse.store.StoreUnavailableException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one place where exceptions and broken limits become HTTP answers, in the shape of the route:
 * {@code {"error","field","message"}} JSON, or the portal's error page. Unexpected exceptions are
 * logged and answered with a generic 500 that leaks nothing.
 */
public final class ErrorResponses {
  private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

  private ErrorResponses() {}

  /** An error answer: status, RFC-style error code, the field at fault, a message for people. */
  record Problem(
      int status,
      String error,
      @Nullable String field,
      String message,
      @Nullable String header,
      @Nullable String headerValue) {
    Problem(int status, String error, @Nullable String field, String message) {
      this(status, error, field, message, null, null);
    }
  }

  /** Failure handler of JSON routes, and of requests no route matched. */
  static void json(RoutingContext ctx) {
    answer(ctx, problem(ctx.failure(), ctx.statusCode()), false);
  }

  /** Failure handler of the portal's pages. */
  static void page(RoutingContext ctx) {
    answer(ctx, problem(ctx.failure(), ctx.statusCode()), true);
  }

  /**
   * A request the parser refused (headers or request line over their limits, malformed syntax):
   * answered, as a page for a browser and as JSON otherwise; Vert.x then closes the connection.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem =
        switch (cause) {
          case TooLongHttpHeaderException e ->
              new Problem(
                  431,
                  "invalid_request",
                  null,
                  "the request headers exceed server.max_header_bytes");
          case TooLongHttpLineException e ->
              new Problem(
                  414,
                  "invalid_request",
                  null,
                  "the request line exceeds server.max_request_line_bytes");
          case TooLongFrameException e ->
              new Problem(431, "invalid_request", null, "the request is too large");
          case null, default ->
              new Problem(400, "invalid_request", null, "the request could not be read");
        };
    String accept = request.getHeader("Accept");
    send(request.response(), problem, accept != null && accept.contains("text/html"));
  }

  private static void answer(RoutingContext ctx, Problem problem, boolean page) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    send(response, problem, page);
  }

  private static void send(HttpServerResponse response, Problem problem, boolean page) {
    if (problem.header() != null && problem.headerValue() != null) {
      response.putHeader(problem.header(), problem.headerValue());
    }
    if (page) {
      HtmlPage.send(
          response,
          problem.status(),
          "web/error.jte",
          Map.of("status", problem.status(), "message", problem.message()),
          HtmlPage.CSP,
          "same-origin");
      return;
    }
    // Errors are answers to one request: never cached (RFC 6749 §5.2 asks it of token errors).
    response.putHeader("Cache-Control", "no-store");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", problem.error());
    if (problem.field() != null) {
      body.put("field", problem.field());
    }
    body.put("message", problem.message());
    Json.send(response, problem.status(), body);
  }

  static Problem problem(@Nullable Throwable failure, int status) {
    return switch (failure) {
      case Failure f -> problem(f);
      case StoreUnavailableException e ->
          new Problem(503, "temporarily_unavailable", null, String.valueOf(e.getMessage()));
      // The features look for a taken name before they insert, so a unique key breaks only when a
      // concurrent write (another node's) won the race: the same 409 as the feature's own check,
      // naming the key's columns but never its value.
      case StoreException e when e.isUniqueViolation() ->
          new Problem(
              409,
              "conflict",
              e.conflictingColumns(),
              e.conflictingColumns() == null
                  ? "a record with the same key exists already"
                  : "a record with the same " + e.conflictingColumns() + " exists already");
      case StoreException e when e.isUnavailable() ->
          new Problem(
              503,
              "temporarily_unavailable",
              null,
              "the database cannot take writes right now; nothing was changed");
      case null -> byStatus(status);
      default -> {
        if (status > 0 && status < 500) {
          yield byStatus(status);
        }
        LOG.log(Level.SEVERE, "unexpected error", failure);
        yield new Problem(500, "server_error", null, "internal error");
      }
    };
  }

  private static Problem problem(Failure failure) {
    String message = String.valueOf(failure.getMessage());
    return switch (failure) {
      case Failure.Invalid e -> new Problem(400, "invalid_request", e.field(), message);
      case Failure.NotFound e -> new Problem(404, "not_found", null, message);
      case Failure.Conflict e -> new Problem(409, "conflict", e.field(), message);
      case Failure.Unauthenticated e ->
          new Problem(401, "unauthorized", null, message, "WWW-Authenticate", "Bearer");
      case Failure.Forbidden e -> new Problem(403, "forbidden", null, message);
      case Failure.Throttled e ->
          new Problem(
              429, "too_many_requests", null, message, "Retry-After", retryAfter(e.retryAfter()));
      case Failure.Busy e ->
          new Problem(
              503,
              "temporarily_unavailable",
              null,
              message,
              "Retry-After",
              retryAfter(e.retryAfter()));
    };
  }

  /** A limit or routing refusal with no exception behind it. */
  private static Problem byStatus(int status) {
    return switch (status) {
      case 404 -> new Problem(404, "not_found", null, "no such resource");
      case 405 -> new Problem(405, "invalid_request", null, "method not allowed");
      case 413 ->
          new Problem(
              413,
              "invalid_request",
              null,
              "the request body exceeds server.max_form_bytes or server.max_json_bytes");
      case 503 ->
          new Problem(
              503,
              "temporarily_unavailable",
              null,
              "the request took longer than server.request_timeout_ms",
              "Retry-After",
              "1");
      default ->
          status >= 400 && status < 500
              ? new Problem(status, "invalid_request", null, "the request could not be read")
              : new Problem(500, "server_error", null, "internal error");
    };
  }

  /** Whole seconds for a Retry-After header: rounded up, at least 1. */
  public static String retryAfter(Duration wait) {
    return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
  }
}
