package dev.gatehouse.app;

import java.util.List;
import java.util.Set;

/**
 * Which OIDC access tokens an app accepts as {@code Authorization: Bearer} at forward-auth: those
 * issued to one of {@code clients} whose scope holds every one of {@code scopes}. No clients (the
 * default) means no access token opens the app: a token is issued to one client for its own use,
 * and a device-flow token of a TV app must not open every app behind the proxy.
 */
public record BearerTokens(List<String> clients, List<String> scopes) {
  public static final BearerTokens NONE = new BearerTokens(List.of(), List.of());

  public BearerTokens {
    clients = List.copyOf(clients);
    scopes = List.copyOf(scopes);
  }

  /** Whether a live token issued to {@code clientId} with {@code granted} scopes opens the app. */
  public boolean accepts(String clientId, List<String> granted) {
    return clients.contains(clientId) && Set.copyOf(granted).containsAll(scopes);
  }
}
