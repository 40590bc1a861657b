package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated corpus of hostile paths and hosts (encodings, doubled slashes, dot segments,
 * backslashes, semicolons, double encoding, overlong UTF-8, look-alike characters), each asked of
 * the real server over both protocols, for an anonymous visitor and a signed-in user outside the
 * admin group. For every input: either Gatehouse refuses it (400), or its decision equals the
 * decision for the path each model of an upstream would serve for it (nginx, Tomcat, a lenient
 * server that takes {@code \} for {@code /}, one that decodes twice, and a case-insensitive one for
 * the app that says so). No input gives a 5xx.
 */
class AdversarialPathsAreDecidedAsUpstreamsReadThemTest {
  private static final List<String> FRAGMENTS =
      List.of(
          "admin",
          "ADMIN",
          "Admin",
          "%61dmin",
          "%41DMIN",
          "secret",
          "%73ecret",
          "public",
          "api",
          "health",
          "",
          ".",
          "..",
          "%2e",
          "%2E%2e",
          ".%2e",
          "%2f",
          "%2F",
          "%5c",
          "\\",
          ";",
          ";x=1",
          "..;",
          "%3b",
          "%252e%252e",
          "%252f",
          "%25",
          "%c0%ae%c0%ae",
          "%c0%af",
          "%ef%bc%8f",
          "%e2%80%a8",
          "%00",
          "%20",
          "%c3%a9",
          "x",
          "files",
          "raw",
          "a.b",
          "...");
  private static final List<String> HOSTS =
      List.of(
          "corpus.example.test",
          "CORPUS.example.TEST",
          "corpus.example.test.",
          "corpus.example.test.:443",
          "corpus.example.test:443",
          "corpus.example.test..",
          "ci.example.test",
          "CI.EXAMPLE.TEST.",
          "other.example.test",
          "corpus.example.test%2e",
          "corpus.example.test@other.example.test");

  private static final Map<String, Integer> DECIDED = new java.util.HashMap<>();

  @TempDir static Path dir;
  static TestGatehouse gh;
  static Proxy proxy;
  static Browser bob;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    proxy = new Proxy(gh);
    gh.createUser("bob", "bob-password", "family");
    String rules =
        """
        [{"path":"/public","policy":"public"},
         {"path":"/api/health","policy":"public"},
         {"path":"/admin","policy":"groups","groups":["admins"]},
         {"path":"/secret","policy":"deny"},
         {"path_regex":"^/files/[^/]+/raw$","policy":"public"},
         {"path":"/","policy":"authenticated"}]""";
    gh.createApp(
        "{\"name\":\"corpus\",\"hosts\":[\"corpus.example.test\"],\"rules\":" + rules + "}");
    gh.createApp(
        "{\"name\":\"ci\",\"hosts\":[\"ci.example.test\"],\"path_case_insensitive\":true,"
            + "\"rules\":"
            + rules
            + "}");
    bob = new Browser(gh);
    assertThat(bob.login("bob", "bob-password").statusCode()).isEqualTo(303);
  }

  @AfterAll
  static void stop() {
    bob.close();
    proxy.close();
    gh.close();
  }

  @Test
  void everyInputIsRefusedOrDecidedAsItsUpstreamReading() {
    Set<String> paths = corpus();
    List<String> failures = new ArrayList<>();
    int refused = 0;
    for (String path : paths) {
      for (String host : List.of("corpus.example.test", "ci.example.test")) {
        boolean caseInsensitive = host.startsWith("ci.");
        for (String who : List.of("anon", "bob")) {
          int status = decide(host, path, who);
          if (status >= 500) {
            failures.add(host + path + " as " + who + " → " + status);
          }
          if (status == 400) {
            refused++;
            continue;
          }
          for (Map.Entry<String, UnaryOperator<String>> model : models(caseInsensitive)) {
            String served = model.getValue().apply(path);
            if (served == null) {
              continue; // that upstream answers 400 or 404 itself
            }
            int canonical = decide(host, encode(served), who);
            if (canonical != status) {
              failures.add(
                  host
                      + path
                      + " as "
                      + who
                      + " → "
                      + status
                      + ", but "
                      + model.getKey()
                      + " serves "
                      + served
                      + ", decided "
                      + canonical);
            }
          }
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(refused).as("the corpus holds refusable inputs").isGreaterThan(paths.size() / 4);
  }

  @Test
  void everyHostSpellingDecidesAsItsApp() {
    for (String host : HOSTS) {
      for (String who : List.of("anon", "bob")) {
        int status = decide(host, "/secret", who);
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".:443")) {
          name = name.substring(0, name.length() - 5);
        } else if (name.endsWith(":443")) {
          name = name.substring(0, name.length() - 4);
        } else if (name.endsWith(".") && !name.endsWith("..")) {
          name = name.substring(0, name.length() - 1);
        }
        int expected =
            switch (name) {
              case "corpus.example.test", "ci.example.test" -> 403; // the deny rule
              case "other.example.test" -> 403; // the default policy, deny
              default -> 400;
            };
        assertThat(status).as(host + " as " + who).isEqualTo(expected);
      }
    }
  }

  private static int decide(String host, String path, String who) {
    return DECIDED.computeIfAbsent(host + " " + path + " " + who, k -> ask(host, path, who));
  }

  /** Both protocols, with the raw headers a proxy would send: no client-side URI parsing. */
  private static int ask(String host, String path, String who) {
    List<String> common = new ArrayList<>(List.of("Accept", "application/json"));
    if (who.equals("bob")) {
      common.addAll(List.of("Cookie", bob.cookieHeader()));
    }
    List<String> forwarded = new ArrayList<>(common);
    forwarded.addAll(
        List.of(
            "X-Forwarded-Method",
            "GET",
            "X-Forwarded-Proto",
            "https",
            "X-Forwarded-Host",
            host,
            "X-Forwarded-Uri",
            path));
    List<String> original = new ArrayList<>(common);
    original.addAll(List.of("X-Original-URL", "https://" + host + path));
    int forward = proxy.raw("/api/authz/forward-auth", forwarded).statusCode();
    int request = proxy.raw("/api/authz/auth-request", original).statusCode();
    // java.net.URI, which reads X-Original-URL, refuses some raw characters that the forward-auth
    // headers may carry: both say 400 then, or both decide alike
    assertThat(request).as("auth-request and forward-auth for " + host + path).isEqualTo(forward);
    return forward;
  }

  /** Every one-fragment path, and a seeded sample of two- to four-fragment ones. */
  private static Set<String> corpus() {
    Set<String> paths = new LinkedHashSet<>();
    for (String a : FRAGMENTS) {
      paths.add("/" + a);
      paths.add("//" + a);
      paths.add("/" + a + "/");
    }
    Random random = new Random(20261130);
    while (paths.size() < 900) {
      StringBuilder path = new StringBuilder();
      int parts = 2 + random.nextInt(3);
      for (int p = 0; p < parts; p++) {
        path.append(random.nextInt(6) == 0 ? "//" : "/");
        path.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
      }
      paths.add(path.toString());
    }
    return paths;
  }

  private static List<Map.Entry<String, UnaryOperator<String>>> models(boolean caseInsensitive) {
    List<Map.Entry<String, UnaryOperator<String>>> models = new ArrayList<>();
    models.add(Map.entry("nginx", p -> resolve(decode(p, false))));
    models.add(Map.entry("tomcat", p -> tomcat(p)));
    models.add(Map.entry("backslash-as-slash", p -> resolve(decode(p.replace('\\', '/'), true))));
    models.add(
        Map.entry(
            "double-decoding",
            p -> {
              String once = decode(p, false);
              return once == null ? null : resolve(decode(once, false));
            }));
    if (caseInsensitive) {
      models.add(
          Map.entry(
              "case-insensitive",
              p -> {
                String served = resolve(decode(p, false));
                return served == null ? null : served.toLowerCase(Locale.ROOT);
              }));
    }
    return models;
  }

  /** Tomcat: path parameters stripped from each segment first, then decoded, then resolved. */
  private static @Nullable String tomcat(String raw) {
    StringBuilder stripped = new StringBuilder();
    for (String segment : raw.split("/", -1)) {
      int semicolon = segment.indexOf(';');
      if (!stripped.isEmpty() || !segment.isEmpty()) {
        stripped.append('/');
      }
      stripped.append(semicolon < 0 ? segment : segment.substring(0, semicolon));
    }
    String path = stripped.isEmpty() ? "/" : stripped.toString();
    if (path.toLowerCase(Locale.ROOT).contains("%2f") || path.contains("\\")) {
      return null; // Tomcat's defaults refuse both
    }
    return resolve(decode(path, false));
  }

  /** Percent-decoding once, leniently (invalid UTF-8 becomes U+FFFD, as most servers do). */
  private static @Nullable String decode(@Nullable String raw, boolean backslashIsSlash) {
    if (raw == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null; // a bad escape: upstreams answer 400
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          bytes.write(hi << 4 | lo);
          i += 2;
          continue;
        }
        return null;
      }
      bytes.write(c);
    }
    String decoded = bytes.toString(StandardCharsets.UTF_8);
    return backslashIsSlash ? decoded.replace('\\', '/') : decoded;
  }

  /** Merges slashes and resolves dot segments; null when they climb above the root. */
  private static @Nullable String resolve(@Nullable String path) {
    if (path == null || path.indexOf('\0') >= 0) {
      return null;
    }
    Deque<String> segments = new ArrayDeque<>();
    String[] parts = path.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      if (part.equals("..")) {
        if (segments.isEmpty()) {
          return null;
        }
        segments.removeLast();
        if (last) {
          segments.addLast("");
        }
      } else if (part.equals(".")) {
        if (last) {
          segments.addLast("");
        }
      } else if (!part.isEmpty() || last) {
        segments.addLast(part);
      }
    }
    return "/" + String.join("/", segments);
  }

  /** A served path as a browser would request it: every byte outside unreserved and / escaped. */
  private static String encode(String path) {
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      segments.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", segments);
  }
}
