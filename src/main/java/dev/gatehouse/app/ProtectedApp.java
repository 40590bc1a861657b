package dev.gatehouse.app;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/** An app as the decision engine sees it: immutable, with rules compiled. */
public final class ProtectedApp {
  private final App app;
  private final List<CompiledRule> rules;
  private final List<Access> accesses;

  ProtectedApp(App app) {
    this.app = app;
    this.rules =
        app.rules().stream()
            .map(rule -> CompiledRule.compile(rule, "rules", app.pathCaseInsensitive()))
            .toList();
    this.accesses =
        IntStream.range(0, rules.size())
            .mapToObj(i -> new Access(rules.get(i).policy(), rules.get(i).groups(), i))
            .toList();
  }

  /** Whether a live access token issued to {@code clientId} with {@code scopes} opens this app. */
  public boolean acceptsBearer(String clientId, List<String> scopes) {
    return app.bearerTokens().accepts(clientId, scopes);
  }

  public App app() {
    return app;
  }

  /**
   * The access the first matching rule grants to a canonical {@code path}, or sign-in required when
   * none matches.
   */
  public Access access(String method, String path, @Nullable InetAddress client) {
    if (app.pathCaseInsensitive()) {
      path = path.toLowerCase(Locale.ROOT);
    }
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).matches(method, path, client)) {
        return accesses.get(i);
      }
    }
    return Access.DEFAULT;
  }
}
