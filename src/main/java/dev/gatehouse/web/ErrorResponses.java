package dev.gatehouse.web;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.StoreException;
import dev.gatehouse.store.StoreUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The one place where exceptions become HTTP responses: {@code {"error","field","message"}} JSON.
 * Unexpected exceptions are logged and answered with a generic 500 that leaks nothing.
 */
public final class ErrorResponses {
  private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

  private ErrorResponses() {}

  public static void register(HttpRouting.Builder routing) {
    routing
        .error(Failure.class, (req, res, e) -> send(res, e))
        .error(
            StoreUnavailableException.class,
            (req, res, e) ->
                send(
                    res,
                    Status.SERVICE_UNAVAILABLE_503,
                    "temporarily_unavailable",
                    null,
                    e.getMessage()))
        .error(StoreException.class, (req, res, e) -> storeFailure(res, e))
        .error(
            RequestException.class,
            (req, res, e) ->
                send(res, e.status(), "invalid_request", null, "the request could not be read"))
        .error(HttpException.class, (req, res, e) -> httpFailure(res, e))
        .error(
            RuntimeException.class,
            (req, res, e) -> {
              LOG.log(Level.SEVERE, "unexpected error on " + req.prologue().uriPath().path(), e);
              send(res, Status.INTERNAL_SERVER_ERROR_500, "server_error", null, "internal error");
            });
  }

  private static void send(ServerResponse res, Failure failure) {
    switch (failure) {
      case Failure.Invalid e ->
          send(res, Status.BAD_REQUEST_400, "invalid_request", e.field(), e.getMessage());
      case Failure.NotFound e -> send(res, Status.NOT_FOUND_404, "not_found", null, e.getMessage());
      case Failure.Conflict e ->
          send(res, Status.CONFLICT_409, "conflict", e.field(), e.getMessage());
      case Failure.Unauthenticated e -> {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        send(res, Status.UNAUTHORIZED_401, "unauthorized", null, e.getMessage());
      }
      case Failure.Forbidden e ->
          send(res, Status.FORBIDDEN_403, "forbidden", null, e.getMessage());
      case Failure.Throttled e -> {
        res.header(HeaderNames.RETRY_AFTER, retryAfter(e.retryAfter()));
        send(res, Status.TOO_MANY_REQUESTS_429, "too_many_requests", null, e.getMessage());
      }
      case Failure.Busy e -> {
        res.header(HeaderNames.RETRY_AFTER, retryAfter(e.retryAfter()));
        send(res, Status.SERVICE_UNAVAILABLE_503, "temporarily_unavailable", null, e.getMessage());
      }
    }
  }

  /** Whole seconds for a Retry-After header: rounded up, at least 1. */
  public static String retryAfter(Duration wait) {
    return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
  }

  /** Helidon's own refusals, such as no route for the path: their status, our error shape. */
  private static void httpFailure(ServerResponse res, HttpException e) {
    int code = e.status().code();
    String error = code == 404 ? "not_found" : code < 500 ? "invalid_request" : "server_error";
    send(res, e.status(), error, null, code < 500 ? e.getMessage() : "internal error");
  }

  private static void storeFailure(ServerResponse res, StoreException e) {
    if (e.isUnavailable()) {
      send(
          res,
          Status.SERVICE_UNAVAILABLE_503,
          "temporarily_unavailable",
          null,
          "the database cannot take writes right now; nothing was changed");
      return;
    }
    LOG.log(Level.SEVERE, "database error", e);
    send(res, Status.INTERNAL_SERVER_ERROR_500, "server_error", null, "internal error");
  }

  private static void send(
      ServerResponse res,
      Status status,
      String error,
      @Nullable String field,
      @Nullable String message) {
    if (res.isSent()) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message == null ? error : message);
    Json.send(res, status, body);
  }
}
