package dev.gatehouse.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.app.App;
import dev.gatehouse.app.AppDirectory;
import dev.gatehouse.app.BearerTokens;
import dev.gatehouse.app.Rule;
import dev.gatehouse.event.Events;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Redirect vetting in memory, against hostile inputs: a target survives only as a portal path, the
 * portal at its public scheme and port, or an app host (its port rules as the directory matches
 * them) over https (http only when the public URL is http).
 */
class RedirectTargetsKeepOnlyThePortalAndAppHostsTest {
  private static final AppDirectory APPS = apps();
  private static final RedirectTargets HTTPS =
      new RedirectTargets(APPS, URI.create("https://auth.example.test"));
  private static final RedirectTargets HTTP =
      new RedirectTargets(APPS, URI.create("http://auth.example.test:8080"));

  private static AppDirectory apps() {
    AppDirectory apps = new AppDirectory(new Events());
    Instant now = Instant.EPOCH;
    Rule any = new Rule("/", null, null, null, "authenticated", null);
    apps.load(
        List.of(
            new App(
                "a",
                "wiki",
                List.of("wiki.example.test"),
                List.of(any),
                false,
                BearerTokens.NONE,
                now,
                now),
            new App(
                "b",
                "media",
                List.of("*.media.example.test"),
                List.of(any),
                false,
                BearerTokens.NONE,
                now,
                now)));
    return apps;
  }

  @ParameterizedTest(name = "[{index}] https portal: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NONE",
      value = {
        // portal paths
        "/account|keep",
        "/oidc/authorize?client_id=x&redirect_uri=https%3A%2F%2Fevil|keep",
        "/%0d%0aSet-Cookie:x=y|keep",
        "//evil.example|drop",
        "///evil.example|drop",
        "/\\evil.example|drop",
        "/\tevil|drop",
        "/a b|drop",
        "/caf\u00e9|drop",
        // the portal itself: its scheme and port only
        "https://auth.example.test/account|keep",
        "https://AUTH.example.test/account|keep",
        "HTTPS://auth.example.test/|keep",
        "https://auth.example.test:443/account|keep",
        "https://auth.example.test:8443/account|drop",
        "http://auth.example.test/account|drop",
        "https://auth.example.test./account|drop",
        // apps: https, any port the directory matches
        "https://wiki.example.test/page|keep",
        "https://WIKI.Example.Test/page|keep",
        "https://wiki.example.test:8443/page|keep",
        "https://x.media.example.test/|keep",
        "http://wiki.example.test/page|drop",
        "https://wiki.example.test./page|drop",
        "https://media.example.test/|drop",
        // not a host of ours, or not a URL a browser reads as we do
        "https://evil.example/|drop",
        "https://example.test/|drop",
        "https://sibling.example.test/|drop",
        "https://wiki.example.test@evil.example/|drop",
        "https://user:pw@wiki.example.test/|drop",
        "https://evil.example\\@wiki.example.test/|drop",
        "https://evil.example#@wiki.example.test/|drop",
        "https:evil.example|drop",
        "https:/evil.example|drop",
        "https:wiki.example.test|drop",
        "javascript:alert(1)|drop",
        "JAVASCRIPT://wiki.example.test/%0aalert(1)|drop",
        "data:text/html,x|drop",
        "ftp://wiki.example.test/|drop",
        "//wiki.example.test/|drop",
        "wiki.example.test/|drop",
        "https://wiki.example.test%2F@evil.example/|drop",
        "https://evil.example%0d%0a.wiki.example.test/|drop",
        "https://wiki.example.test:99999/|drop",
        "https://[::1]/|drop",
        "''|drop",
      })
  void httpsPortal(String rd, String verdict) {
    assertThat(HTTPS.vet(rd)).isEqualTo(verdict.equals("keep") ? rd : "");
  }

  @ParameterizedTest(name = "[{index}] http portal: {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://auth.example.test:8080/account|keep",
        "http://auth.example.test/account|drop",
        "http://auth.example.test:80/account|drop",
        "https://auth.example.test:8080/account|drop",
        "http://wiki.example.test/page|keep",
        "https://wiki.example.test/page|keep",
        "http://evil.example/|drop",
      })
  void httpPortal(String rd, String verdict) {
    assertThat(HTTP.vet(rd)).isEqualTo(verdict.equals("keep") ? rd : "");
  }
}
