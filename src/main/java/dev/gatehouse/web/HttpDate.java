package dev.gatehouse.web;

import io.netty.util.AsciiString;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header RFC 9110 §6.6.1 asks of an origin server with a clock, on every answer.
 * Vert.x sends none; formatting one per request would cost more than the header is worth, so the
 * value is made once a second and shared.
 */
final class HttpDate {
  private static final CharSequence NAME = AsciiString.cached("date");

  private record Dated(long second, CharSequence value) {}

  private static volatile Dated dated = new Dated(-1, "");

  private HttpDate() {}

  /** Puts the current {@code Date} on {@code request}'s answer. */
  static void stamp(HttpServerRequest request) {
    request.response().putHeader(NAME, now());
  }

  static CharSequence now() {
    long second = System.currentTimeMillis() / 1000;
    Dated current = dated;
    if (current.second() != second) {
      current =
          new Dated(
              second,
              AsciiString.cached(
                  DateTimeFormatter.RFC_1123_DATE_TIME.format(
                      Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC))));
      dated = current;
    }
    return current.value();
  }
}
