package dev.gatehouse.client;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.event.Events;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Every client in memory with its secret digest, kept current by {@link ClientEvent}s, so that the
 * protocol endpoints find and authenticate clients without a query.
 */
public final class ClientDirectory {
  /** A client and the digest of its secret (empty for public clients). */
  public record Entry(Client client, String secretDigest) {}

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();

  public ClientDirectory(Events events) {
    events.subscribe(
        ClientEvent.class,
        event -> {
          switch (event) {
            case ClientEvent.ClientChanged changed ->
                byId.put(
                    changed.client().clientId(),
                    new Entry(changed.client(), changed.secretDigest()));
            case ClientEvent.ClientDeleted deleted -> byId.remove(deleted.clientId());
          }
        });
  }

  /** Loads every client; call once at start, before serving. */
  public void load(List<Entry> entries) {
    for (Entry entry : entries) {
      byId.put(entry.client().clientId(), entry);
    }
  }

  public @Nullable Client get(String clientId) {
    Entry entry = byId.get(clientId);
    return entry == null ? null : entry.client();
  }

  /** The confidential client when {@code secret} is its secret; compared in constant time. */
  public @Nullable Client authenticate(String clientId, String secret) {
    Entry entry = byId.get(clientId);
    if (entry == null || entry.secretDigest().isEmpty() || entry.client().publicClient()) {
      // Same work either way, so timing does not reveal which client ids exist.
      Secrets.matches(secret, "0".repeat(64));
      return null;
    }
    return Secrets.matches(secret, entry.secretDigest()) ? entry.client() : null;
  }
}
