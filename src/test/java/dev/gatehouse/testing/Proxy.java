package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Plays the reverse proxy: asks Gatehouse about one request over real HTTP, as Traefik or Caddy
 * ({@code forward-auth}) and nginx ({@code auth-request}) do. Never follows redirects.
 */
public final class Proxy implements AutoCloseable {
  public static final String HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Asks the main listener. */
  public Proxy(TestGatehouse gh) {
    this("http://127.0.0.1:" + gh.gatehouse().port());
  }

  private Proxy(String base) {
    this.base = base;
  }

  /** Asks the dedicated forward-auth listener ({@code [forward_auth] listen}). */
  public static Proxy onForwardAuthListener(TestGatehouse gh) {
    return new Proxy("http://127.0.0.1:" + gh.gatehouse().forwardAuthPort());
  }

  /**
   * Forward-auth for {@code method url} (an absolute URL), with extra header name/value pairs such
   * as {@code "Cookie", "gh_session=…"}.
   */
  public HttpResponse<String> forwardAuth(String method, String url, String... headers) {
    java.net.URI target = java.net.URI.create(url);
    String uri =
        target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(java.net.URI.create(base + "/api/authz/forward-auth"))
            .header("X-Forwarded-Method", method)
            .header("X-Forwarded-Proto", target.getScheme())
            .header("X-Forwarded-Host", target.getRawAuthority())
            .header("X-Forwarded-Uri", uri.isEmpty() ? "/" : uri);
    return send(request, headers);
  }

  /** nginx's auth_request for {@code method url}, with extra header name/value pairs. */
  public HttpResponse<String> authRequest(String method, String url, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(java.net.URI.create(base + "/api/authz/auth-request"))
            .header("X-Original-URL", url)
            .header("X-Original-Method", method);
    return send(request, headers);
  }

  /** A raw request to {@code path} with exactly the header name/value pairs given. */
  public HttpResponse<String> raw(String path, List<String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(base + path));
    return send(request, headers.toArray(String[]::new));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
