package dev.gatehouse.app;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The fields of an app as the admin API sends them; on update, null leaves a field unchanged. */
public record AppRequest(
    @Nullable String name,
    @Nullable List<String> hosts,
    @Nullable List<Rule> rules,
    @Nullable Boolean pathCaseInsensitive,
    @Nullable BearerTokensRequest bearerTokens) {

  /** {@code bearer_tokens} as sent: both lists optional, validated by {@link Apps}. */
  public record BearerTokensRequest(
      @Nullable List<String> clients, @Nullable List<String> scopes) {}
}
