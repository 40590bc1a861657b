package dev.gatehouse.admin.provisioning;

import dev.gatehouse.app.AppRequest;
import dev.gatehouse.client.ClientRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a provisioning file declares, read and checked: every secret resolved from its file or
 * environment variable (passwords to a PHC hash or, when given in clear, kept for the check against
 * the stored hash; client secrets and API keys to their SHA-256), and every object's position in
 * the file kept for error messages. The same shape travels to a running server as JSON.
 *
 * @param source the file's path, as objects it manages name it
 */
public record Declaration(
    String source,
    List<Group> groups,
    List<User> users,
    List<App> apps,
    List<Client> clients,
    List<ApiKey> apiKeys) {

  /** Absent lists (a hand-written JSON body) are empty ones. */
  public Declaration {
    groups = groups == null ? List.of() : List.copyOf(groups);
    users = users == null ? List.of() : List.copyOf(users);
    apps = apps == null ? List.of() : List.copyOf(apps);
    clients = clients == null ? List.of() : List.copyOf(clients);
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
  }

  /** Where an object was declared: its table's line and each of its fields' lines. */
  public record At(int line, Map<String, Integer> fields) {
    /** The line of {@code field} ({@code rules[2].path} is on the line of {@code rules}). */
    int lineOf(@Nullable String field) {
      if (field == null) {
        return line;
      }
      String top = field.split("[\\[.]", 2)[0];
      return fields.getOrDefault(top, line);
    }
  }

  public record Group(String name, boolean requireMfa, At at) {}

  /**
   * A user; {@code groups} are all of theirs. With neither {@code passwordHash} nor {@code
   * password} the file leaves the user's password alone.
   *
   * @param password a password read in clear from a file or the environment, hashed before use
   */
  public record User(
      String username,
      @Nullable String email,
      @Nullable String displayName,
      boolean disabled,
      List<String> groups,
      @Nullable String passwordHash,
      @Nullable String password,
      At at) {
    @Override
    public String toString() {
      return "User[" + username + "]";
    }
  }

  public record App(String name, AppRequest request, At at) {}

  /**
   * @param secretDigest the SHA-256 of the client's secret; null for clients without one
   */
  public record Client(
      String clientId, ClientRequest request, @Nullable String secretDigest, At at) {}

  /**
   * @param digest the SHA-256 of the key's secret
   */
  public record ApiKey(
      String name, @Nullable String role, @Nullable Instant expiresAt, String digest, At at) {}
}
