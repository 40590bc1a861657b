package dev.gatehouse.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A minimal browser for tests: keeps cookies, follows nothing by itself, reads hidden form fields.
 */
final class Browser {
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final URI base;

  Browser(URI base) {
    this.base = base;
  }

  HttpResponse<String> get(String pathOrUri) {
    return send(HttpRequest.newBuilder(resolve(pathOrUri)).GET());
  }

  HttpResponse<String> post(String pathOrUri, Map<String, String> form) {
    return send(
        HttpRequest.newBuilder(resolve(pathOrUri))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
  }

  /** Posts a form with extra request headers (Origin, Sec-Fetch-Site). */
  HttpResponse<String> post(
      String pathOrUri, Map<String, String> form, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(pathOrUri))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    headers.forEach(request::header);
    return send(request);
  }

  void setCookie(String name, String value) {
    cookies.put(name, value);
  }

  /** Signs in through the real login form at {@code /login?rd=…} and returns the 303. */
  HttpResponse<String> signIn(String loginLocation, String username, String password) {
    HttpResponse<String> page = get(loginLocation);
    Map<String, String> form = hiddenFields(page.body());
    form.put("username", username);
    form.put("password", password);
    return post("/login", form);
  }

  void clearCookie(String name) {
    cookies.remove(name);
  }

  boolean hasCookie(String name) {
    return cookies.containsKey(name);
  }

  static Map<String, String> hiddenFields(String html) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(html);
    while (m.find()) {
      fields.put(m.group(1), unescape(m.group(2)));
    }
    return fields;
  }

  static String location(HttpResponse<String> response) {
    return response.headers().firstValue("Location").orElseThrow();
  }

  static Map<String, String> query(String uri) {
    String q = URI.create(uri).getRawQuery();
    Map<String, String> out = new LinkedHashMap<>();
    if (q == null) {
      return out;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String unescape(String html) {
    return html.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private URI resolve(String pathOrUri) {
    return pathOrUri.startsWith("http") ? URI.create(pathOrUri) : base.resolve(pathOrUri);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    if (!cookies.isEmpty()) {
      request.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String header : response.headers().allValues("Set-Cookie")) {
        String pair = header.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq);
        String value = pair.substring(eq + 1);
        if (value.isEmpty() || header.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
