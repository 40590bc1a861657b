package dev.gatehouse.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The app behind a proxy: answers every request with 200 and a body listing the identity headers it
 * received ({@code Remote-User: alice}, one per line; {@code -} when absent), so a test sees
 * exactly what the proxy passed on.
 */
public final class EchoUpstream implements AutoCloseable {
  public static final List<String> IDENTITY_HEADERS =
      List.of("Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name");

  private final HttpServer server;

  private EchoUpstream(HttpServer server) {
    this.server = server;
  }

  public static EchoUpstream start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            StringBuilder body = new StringBuilder("upstream saw:\n");
            for (String name : IDENTITY_HEADERS) {
              String value = exchange.getRequestHeaders().getFirst(name);
              body.append(name)
                  .append(": ")
                  .append(value == null || value.isEmpty() ? "-" : value)
                  .append('\n');
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, bytes.length);
            try (var out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          });
      server.start();
      return new EchoUpstream(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
