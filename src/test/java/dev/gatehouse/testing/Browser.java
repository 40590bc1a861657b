package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A browser without JavaScript, over real HTTP: keeps the cookies it is given, submits forms with
 * the CSRF token the portal handed it, and does not follow redirects (tests look at them).
 */
public final class Browser implements AutoCloseable {
  private static final Pattern PAIRING_CODE =
      Pattern.compile("<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>");
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private final @Nullable TestGatehouse gh;
  private final URI base;
  private final HttpClient http;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private @Nullable String csrf;

  public Browser(TestGatehouse gh) {
    this.gh = gh;
    this.base = gh.uri("");
    this.http = HttpClient.newHttpClient();
  }

  /** A browser of the Gatehouse (or the proxy in front of one) at {@code base}. */
  public Browser(URI base) {
    this.gh = null;
    this.base = base;
    this.http = HttpClient.newHttpClient();
  }

  /**
   * A browser whose connections come from {@code from}, another loopback address such as {@code
   * 127.0.0.2}: to Gatehouse, another client IP.
   */
  public Browser(TestGatehouse gh, String from) {
    this.gh = gh;
    this.base = gh.uri("");
    try {
      this.http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(from, e);
    }
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /**
   * Posts a form with the CSRF token of the last page that had one (the sign-in page is fetched
   * when no page had one yet).
   */
  public HttpResponse<String> submit(String path, Map<String, String> fields) {
    if (csrf == null) {
      get("/login");
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("csrf", csrf());
    all.putAll(fields);
    return post(path, all);
  }

  /** Posts exactly {@code fields}, CSRF or not. */
  public HttpResponse<String> post(String path, Map<String, String> fields) {
    String body =
        fields.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * Opens the sign-in page and signs in through its form; returns the response (303 on success).
   */
  public HttpResponse<String> login(String username, String password) {
    get("/login");
    return submit("/login", Map.of("username", username, "password", password));
  }

  /** Asks the account page for a pairing code for a device called {@code name}. */
  public String pairingCode(String name) {
    HttpResponse<String> page = submit("/account/devices/pair", Map.of("name", name));
    Matcher code = PAIRING_CODE.matcher(page.body());
    if (page.statusCode() != 200 || !code.find()) {
      throw new IllegalStateException("no pairing code on the account page: " + page.body());
    }
    return code.group(1);
  }

  /** Pairs a native client for this browser's user; returns the device's id and token. */
  public PairedDevice pairDevice(String name) {
    TestGatehouse.Response paired =
        Objects.requireNonNull(gh, "pairing needs a TestGatehouse")
            .send("POST", "/api/devices/pair", "{\"code\":\"" + pairingCode(name) + "\"}", null);
    if (paired.status() != 201) {
      throw new IllegalStateException("pairing failed: " + paired.body());
    }
    return new PairedDevice(
        paired.json().get("device").get("id").asText(), paired.json().get("token").asText());
  }

  /** A device just paired. */
  public record PairedDevice(String id, String token) {}

  /** The CSRF token of the last page that had a form with one. */
  public String csrf() {
    if (csrf == null) {
      throw new IllegalStateException("no page with a CSRF token seen yet");
    }
    return csrf;
  }

  /** The CSRF token in a page's form, if it has one. */
  public static @Nullable String csrfIn(String page) {
    Matcher field = CSRF_FIELD.matcher(page);
    return field.find() ? field.group(1) : null;
  }

  public @Nullable String cookie(String name) {
    return cookies.get(name);
  }

  public void setCookie(String name, String value) {
    cookies.put(name, value);
  }

  /** The Cookie header this browser sends, for handing to a {@link Proxy} request. */
  public String cookieHeader() {
    return cookies.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("; "));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookieHeader());
    }
    request.header("User-Agent", "GatehouseTestBrowser/1.0");
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      remember(response.headers().allValues("Set-Cookie"));
      String token = csrfIn(response.body());
      if (token != null) {
        csrf = token;
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void remember(List<String> setCookies) {
    for (String setCookie : setCookies) {
      String pair = setCookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
