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

  /**
   * This request with every absent field at the value a new app gets: what a declaration means, so
   * that a field taken out of a provisioning file returns to its default on update.
   */
  public AppRequest withDefaults() {
    return new AppRequest(
        name,
        hosts,
        rules == null ? List.of() : rules,
        Boolean.TRUE.equals(pathCaseInsensitive),
        bearerTokens == null ? new BearerTokensRequest(List.of(), List.of()) : bearerTokens);
  }
}
