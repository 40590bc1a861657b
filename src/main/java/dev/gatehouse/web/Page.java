package dev.gatehouse.web;

import dev.gatehouse.failure.Failure;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** One page of a list: {@code ?limit=&offset=} in, {@code items,total,limit,offset} out. */
public record Page<T>(List<T> items, long total, int limit, int offset) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  /** The requested window, checked. */
  public record Window(int limit, int offset) {}

  public static Window window(RoutingContext request) {
    int limit = intParam(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = intParam(request, "offset", 0, 0, Integer.MAX_VALUE);
    return new Window(limit, offset);
  }

  private static int intParam(RoutingContext request, String name, int fallback, int min, int max) {
    String raw = request.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        throw new Failure.Invalid(name, name + " must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new Failure.Invalid(name, name + " must be an integer");
    }
  }
}
