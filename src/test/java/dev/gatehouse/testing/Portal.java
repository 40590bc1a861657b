package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * What a browser and a reverse proxy do against a {@link TestGatehouse}: log in, ask forward-auth.
 */
public final class Portal {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Portal() {}

  /** Logs in through the login form; returns the session cookie ({@code gh_session=...}). */
  public static String logIn(TestGatehouse gh, String username, String password) {
    HttpResponse<String> page = send(HttpRequest.newBuilder(gh.uri("/login")).build());
    String cookie =
        page.headers()
            .firstValue("Set-Cookie")
            .map(c -> c.substring(0, c.indexOf(';')))
            .orElseThrow();
    String csrf = Browser.csrfIn(page.body());
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(gh.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "username="
                            + URLEncoder.encode(username, StandardCharsets.UTF_8)
                            + "&password="
                            + URLEncoder.encode(password, StandardCharsets.UTF_8)
                            + "&csrf="
                            + csrf))
                .build());
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("gh_session="))
        .map(c -> c.substring(0, c.indexOf(';')))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie: " + response.statusCode()));
  }

  /** The status forward-auth answers for a GET of {@code https://host/} with {@code cookie}. */
  public static int forwardAuth(TestGatehouse gh, String host, String cookie) {
    return send(HttpRequest.newBuilder(gh.uri("/api/authz/forward-auth"))
            .header("X-Forwarded-Method", "GET")
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", host)
            .header("X-Forwarded-Uri", "/")
            .header("Cookie", cookie)
            .build())
        .statusCode();
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
