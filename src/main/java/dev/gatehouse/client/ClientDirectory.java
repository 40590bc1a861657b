package dev.gatehouse.client;

import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import dev.gatehouse.failure.Failure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Every client in memory with its secret digest and its parsed keys, kept current by {@link
 * ClientEvent}s, so that the protocol endpoints find and authenticate clients without a query and
 * without parsing a JWK Set per request.
 */
public final class ClientDirectory {
  /** A client and the digest of its secret (empty when it has none). */
  public record Entry(Client client, String secretDigest) {}

  /** An entry with the keys of a {@code private_key_jwt} client, parsed when it changed. */
  private record Registered(Client client, String secretDigest, @Nullable ClientKeys keys) {}

  private final Map<String, Registered> byId = new ConcurrentHashMap<>();

  public ClientDirectory(Events events) {
    events.subscribe(
        ClientEvent.class,
        event -> {
          switch (event) {
            case ClientEvent.ClientChanged changed ->
                put(new Entry(changed.client(), changed.secretDigest()));
            case ClientEvent.ClientDeleted deleted -> byId.remove(deleted.clientId());
          }
        });
  }

  /** Loads every client, replacing what memory held: at start, and when a cluster node reloads. */
  public void load(List<Entry> entries) {
    byId.keySet().retainAll(entries.stream().map(e -> e.client().clientId()).toList());
    entries.forEach(this::put);
  }

  private void put(Entry entry) {
    Client client = entry.client();
    ClientKeys keys = null;
    if (client.jwks() != null) {
      try {
        keys = ClientKeys.stored(client.jwks());
      } catch (Failure.Invalid e) {
        // Checked when written; keys that no longer parse authenticate nobody.
      }
    }
    byId.put(client.clientId(), new Registered(client, entry.secretDigest(), keys));
  }

  public @Nullable Client get(String clientId) {
    Registered registered = byId.get(clientId);
    return registered == null ? null : registered.client();
  }

  /** The confidential client when {@code secret} is its secret; compared in constant time. */
  public @Nullable Client authenticate(String clientId, String secret) {
    Registered registered = byId.get(clientId);
    if (registered == null
        || registered.secretDigest().isEmpty()
        || !Clients.usesSecret(registered.client().tokenEndpointAuthMethod())) {
      // Same work either way, so timing does not reveal which client ids exist.
      Secrets.matches(secret, "0".repeat(64));
      return null;
    }
    return Secrets.matches(secret, registered.secretDigest()) ? registered.client() : null;
  }

  /**
   * The {@code private_key_jwt} client when one of its registered keys signed {@code assertion}.
   * Only the signature is checked here; the claims are the caller's to check.
   */
  public @Nullable Client authenticate(String clientId, SignedJWT assertion) {
    Registered registered = byId.get(clientId);
    if (registered == null || registered.keys() == null) {
      return null;
    }
    return registered.keys().verify(assertion) ? registered.client() : null;
  }
}
