package dev.gatehouse.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * The app behind a proxy: answers every request with 200 and a body naming the request ({@code
 * Request: GET /x?a=1}) and listing the identity headers and the credential headers it received
 * ({@code Remote-User: alice}, {@code Cookie: theme=dark}, one per line; {@code -} when absent or
 * empty), so a test sees exactly what the proxy passed on.
 */
public final class EchoUpstream implements AutoCloseable {
  public static final List<String> IDENTITY_HEADERS =
      List.of("Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name");

  /** Where credentials travel; echoed too, so a test sees which of them reached the app. */
  public static final List<String> CREDENTIAL_HEADERS = List.of("Cookie", "Authorization");

  private static final List<String> ECHOED =
      Stream.concat(IDENTITY_HEADERS.stream(), CREDENTIAL_HEADERS.stream()).toList();

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
            StringBuilder body =
                new StringBuilder("upstream saw:\nRequest: ")
                    .append(exchange.getRequestMethod())
                    .append(' ')
                    .append(exchange.getRequestURI())
                    .append('\n');
            for (String name : ECHOED) {
              List<String> values = exchange.getRequestHeaders().get(name);
              String value = values == null ? null : String.join(" | ", values);
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
