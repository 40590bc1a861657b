package dev.gatehouse.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A file of the jar served as is (the stylesheet, the portal's and the console's scripts): read
 * once at start, answered from memory on the event loop, cached by browsers for five minutes so
 * that an upgrade reaches them soon.
 */
public final class StaticFile {
  private final String path;
  private final String contentType;
  private final Buffer body;

  private StaticFile(String path, String contentType, Buffer body) {
    this.path = path;
    this.contentType = contentType;
    this.body = body;
  }

  /** {@code resource} (an absolute classpath name) served at {@code path}. */
  public static StaticFile of(String path, String resource, String contentType) {
    try (InputStream in = StaticFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return new StaticFile(path, contentType, Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String path() {
    return path;
  }

  /** Its size in bytes, as sent. */
  public int size() {
    return body.length();
  }

  public void register(Routing routing) {
    routing.onLoop(
        HttpMethod.GET,
        path,
        ctx ->
            ctx.response()
                .putHeader("Content-Type", contentType)
                .putHeader("Cache-Control", "public, max-age=300")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(body));
  }
}
