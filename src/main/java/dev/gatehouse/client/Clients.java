package dev.gatehouse.client;

import dev.gatehouse.crypto.Secrets;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.store.Query;
import dev.gatehouse.store.Reads;
import dev.gatehouse.store.RowMapper;
import dev.gatehouse.store.Tx;
import dev.gatehouse.store.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** OAuth 2.0 / OIDC clients. */
public final class Clients {
  private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

  /** The grant types a client may be registered for. */
  public static final List<String> GRANT_TYPES =
      List.of(
          "authorization_code",
          "refresh_token",
          "client_credentials",
          "urn:ietf:params:oauth:grant-type:device_code");

  private static final Set<String> ALGS = Set.of("RS256", "ES256", "EdDSA");

  /**
   * How clients may authenticate at the back-channel endpoints (RFC 7591 names). The two secret
   * methods are accepted interchangeably for a client registered with either.
   */
  public static final List<String> AUTH_METHODS =
      List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");

  /** The JWS algorithms a {@code private_key_jwt} client may sign its assertions with. */
  public static final List<String> ASSERTION_ALGORITHMS = ClientKeys.ALGORITHMS;

  static final String PRIVATE_KEY_JWT = "private_key_jwt";

  private static final Pattern SCOPE = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}$");
  private static final List<String> DEFAULT_GRANTS = List.of("authorization_code", "refresh_token");
  private static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");
  private static final String DEFAULT_ALG = "RS256";
  private static final int DEFAULT_TOKEN_SECONDS = 600;
  private static final int DEFAULT_REFRESH_SECONDS = 2_592_000;
  private static final String COLUMNS =
      "client_id, name, redirect_uris, post_logout_redirect_uris, grant_types, scopes,"
          + " public_client, first_party, require_pkce, signing_alg, token_endpoint_auth_method,"
          + " jwks, access_token_lifetime_seconds, id_token_lifetime_seconds,"
          + " refresh_token_lifetime_seconds, created_at, updated_at, require_mfa";
  private static final RowMapper<Client> ROW =
      row ->
          new Client(
              row.getString(1),
              row.getString(2),
              split(row.getString(3)),
              split(row.getString(4)),
              split(row.getString(5)),
              split(row.getString(6)),
              row.getBoolean(7),
              row.getBoolean(8),
              row.getBoolean(9),
              row.getBoolean(18),
              row.getString(10),
              row.getString(11),
              row.getString(12),
              row.getInt(13),
              row.getInt(14),
              row.getInt(15),
              Instant.ofEpochMilli(row.getLong(16)),
              Instant.ofEpochMilli(row.getLong(17)));

  private final Writer writer;
  private final Reads reads;
  private final Secrets secrets;
  private final InstantSource clock;

  public Clients(Writer writer, Reads reads, Secrets secrets, InstantSource clock) {
    this.writer = writer;
    this.reads = reads;
    this.secrets = secrets;
    this.clock = clock;
  }

  public CreatedClient create(ClientRequest r) {
    boolean isPublic = Boolean.TRUE.equals(r.publicClient());
    if (isPublic && Boolean.FALSE.equals(r.requirePkce())) {
      throw new Failure.Invalid("require_pkce", "public clients must use PKCE");
    }
    String clientId =
        r.clientId() == null ? secrets.generate("").substring(0, 22) : clientId(r.clientId());
    String name = r.name() == null || r.name().isBlank() ? clientId : text("name", r.name(), 200);
    List<String> grants = grants(r.grantTypes() == null ? DEFAULT_GRANTS : r.grantTypes());
    if (isPublic && grants.contains("client_credentials")) {
      throw new Failure.Invalid("grant_types", "public clients cannot use client_credentials");
    }
    List<String> redirects = uris("redirect_uris", r.redirectUris());
    if (grants.contains("authorization_code") && redirects.isEmpty()) {
      throw new Failure.Invalid(
          "redirect_uris", "authorization_code needs at least one redirect URI");
    }
    List<String> logoutUris = uris("post_logout_redirect_uris", r.postLogoutRedirectUris());
    List<String> scopes = scopes(r.scopes() == null ? DEFAULT_SCOPES : r.scopes());
    String alg = alg(r.signingAlg() == null ? DEFAULT_ALG : r.signingAlg());
    String method = authMethod(r.tokenEndpointAuthMethod(), isPublic);
    ClientKeys keys = r.jwks() == null ? null : ClientKeys.parse(r.jwks());
    String jwks = jwks(method, keys, null);
    int accessTtl =
        lifetime(
            "access_token_lifetime_seconds", r.accessTokenLifetimeSeconds(), DEFAULT_TOKEN_SECONDS);
    int idTtl =
        lifetime("id_token_lifetime_seconds", r.idTokenLifetimeSeconds(), DEFAULT_TOKEN_SECONDS);
    int refreshTtl =
        refreshLifetime(
            r.refreshTokenLifetimeSeconds() == null
                ? DEFAULT_REFRESH_SECONDS
                : r.refreshTokenLifetimeSeconds());
    String secret = usesSecret(method) ? secrets.generate("gh_cs_") : null;
    String digest = secret == null ? "" : Secrets.digest(secret);
    Client client =
        writer.write(
            tx -> {
              if (tx.count("SELECT COUNT(*) FROM clients WHERE client_id = ?", clientId) > 0) {
                throw new Failure.Conflict("client_id", "client " + clientId + " exists");
              }
              long now = clock.millis();
              tx.update(
                  "INSERT INTO clients (client_id, name, secret_digest, public_client, first_party,"
                      + " require_pkce, signing_alg, token_endpoint_auth_method, jwks,"
                      + " redirect_uris, post_logout_redirect_uris, grant_types, scopes,"
                      + " access_token_lifetime_seconds, id_token_lifetime_seconds,"
                      + " refresh_token_lifetime_seconds, created_at, updated_at, require_mfa)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  clientId,
                  name,
                  digest,
                  isPublic,
                  Boolean.TRUE.equals(r.firstParty()),
                  isPublic || !Boolean.FALSE.equals(r.requirePkce()),
                  alg,
                  method,
                  jwks,
                  join(redirects),
                  join(logoutUris),
                  join(grants),
                  join(scopes),
                  accessTtl,
                  idTtl,
                  refreshTtl,
                  now,
                  now,
                  Boolean.TRUE.equals(r.requireMfa()));
              return changed(tx, clientId);
            });
    return new CreatedClient(client, secret);
  }

  /**
   * {@code r} with every absent field at the value {@link #create} gives it: what a declaration
   * means, so that a field taken out of a provisioning file returns to its default on update.
   */
  public static ClientRequest withDefaults(ClientRequest r) {
    boolean isPublic = Boolean.TRUE.equals(r.publicClient());
    return new ClientRequest(
        r.clientId(),
        r.name() == null || r.name().isBlank() ? r.clientId() : r.name(),
        r.redirectUris() == null ? List.of() : r.redirectUris(),
        r.postLogoutRedirectUris() == null ? List.of() : r.postLogoutRedirectUris(),
        r.grantTypes() == null ? DEFAULT_GRANTS : r.grantTypes(),
        r.scopes() == null ? DEFAULT_SCOPES : r.scopes(),
        isPublic,
        Boolean.TRUE.equals(r.firstParty()),
        isPublic || !Boolean.FALSE.equals(r.requirePkce()),
        Boolean.TRUE.equals(r.requireMfa()),
        r.signingAlg() == null ? DEFAULT_ALG : r.signingAlg(),
        r.tokenEndpointAuthMethod() == null
            ? authMethod(null, isPublic)
            : r.tokenEndpointAuthMethod(),
        r.jwks(),
        r.accessTokenLifetimeSeconds() == null
            ? DEFAULT_TOKEN_SECONDS
            : r.accessTokenLifetimeSeconds(),
        r.idTokenLifetimeSeconds() == null ? DEFAULT_TOKEN_SECONDS : r.idTokenLifetimeSeconds(),
        r.refreshTokenLifetimeSeconds() == null
            ? DEFAULT_REFRESH_SECONDS
            : r.refreshTokenLifetimeSeconds());
  }

  /** {@code public}, when sent, must be what the client is: it cannot change. */
  public Client update(String clientId, ClientRequest r) {
    if (r.clientId() != null && !r.clientId().equals(clientId)) {
      throw new Failure.Invalid("client_id", "client_id cannot change");
    }
    String name = r.name() == null ? null : text("name", r.name(), 200);
    List<String> grants = r.grantTypes() == null ? null : grants(r.grantTypes());
    List<String> redirects =
        r.redirectUris() == null ? null : uris("redirect_uris", r.redirectUris());
    List<String> logoutUris =
        r.postLogoutRedirectUris() == null
            ? null
            : uris("post_logout_redirect_uris", r.postLogoutRedirectUris());
    List<String> scopes = r.scopes() == null ? null : scopes(r.scopes());
    String alg = r.signingAlg() == null ? null : alg(r.signingAlg());
    ClientKeys keys = r.jwks() == null ? null : ClientKeys.parse(r.jwks());
    Integer accessTtl =
        r.accessTokenLifetimeSeconds() == null
            ? null
            : lifetime("access_token_lifetime_seconds", r.accessTokenLifetimeSeconds(), 600);
    Integer idTtl =
        r.idTokenLifetimeSeconds() == null
            ? null
            : lifetime("id_token_lifetime_seconds", r.idTokenLifetimeSeconds(), 600);
    Integer refreshTtl =
        r.refreshTokenLifetimeSeconds() == null
            ? null
            : refreshLifetime(r.refreshTokenLifetimeSeconds());
    return writer.write(
        tx -> {
          Client c = load(tx, clientId).orElseThrow(() -> notFound(clientId));
          if (r.publicClient() != null && r.publicClient() != c.publicClient()) {
            throw new Failure.Invalid(
                "public", "public cannot change; create a new client instead");
          }
          if (c.publicClient() && Boolean.FALSE.equals(r.requirePkce())) {
            throw new Failure.Invalid("require_pkce", "public clients must use PKCE");
          }
          List<String> newGrants = grants != null ? grants : c.grantTypes();
          List<String> newRedirects = redirects != null ? redirects : c.redirectUris();
          if (c.publicClient() && newGrants.contains("client_credentials")) {
            throw new Failure.Invalid(
                "grant_types", "public clients cannot use client_credentials");
          }
          if (newGrants.contains("authorization_code") && newRedirects.isEmpty()) {
            throw new Failure.Invalid(
                "redirect_uris", "authorization_code needs at least one redirect URI");
          }
          String method =
              r.tokenEndpointAuthMethod() == null
                  ? c.tokenEndpointAuthMethod()
                  : authMethod(r.tokenEndpointAuthMethod(), c.publicClient());
          String jwks = jwks(method, keys, c.jwks());
          if (method.equals(PRIVATE_KEY_JWT) && usesSecret(c.tokenEndpointAuthMethod())) {
            // A client that now signs with keys loses its secret; switching back needs a new one.
            tx.update("UPDATE clients SET secret_digest = '' WHERE client_id = ?", clientId);
          }
          tx.update(
              "UPDATE clients SET name = ?, redirect_uris = ?, post_logout_redirect_uris = ?,"
                  + " grant_types = ?, scopes = ?, first_party = ?, require_pkce = ?,"
                  + " signing_alg = ?, token_endpoint_auth_method = ?, jwks = ?,"
                  + " access_token_lifetime_seconds = ?, id_token_lifetime_seconds = ?,"
                  + " refresh_token_lifetime_seconds = ?, updated_at = ?, require_mfa = ?"
                  + " WHERE client_id = ?",
              name != null ? name : c.name(),
              join(newRedirects),
              join(logoutUris != null ? logoutUris : c.postLogoutRedirectUris()),
              join(newGrants),
              join(scopes != null ? scopes : c.scopes()),
              r.firstParty() != null ? r.firstParty() : c.firstParty(),
              r.requirePkce() != null ? r.requirePkce() : c.requirePkce(),
              alg != null ? alg : c.signingAlg(),
              method,
              jwks,
              accessTtl != null ? accessTtl : c.accessTokenLifetimeSeconds(),
              idTtl != null ? idTtl : c.idTokenLifetimeSeconds(),
              refreshTtl != null ? refreshTtl : c.refreshTokenLifetimeSeconds(),
              clock.millis(),
              r.requireMfa() != null ? r.requireMfa() : c.requireMfa(),
              clientId);
          return changed(tx, clientId);
        });
  }

  /** Replaces a confidential client's secret; the new one is returned once. */
  public CreatedClient rotateSecret(String clientId) {
    String secret = secrets.generate("gh_cs_");
    return new CreatedClient(useSecretDigest(clientId, Secrets.digest(secret)), secret);
  }

  /**
   * Makes the secret whose SHA-256 digest is {@code digest} a confidential client's only secret: a
   * provisioning file declares secrets this way, never in clear.
   */
  public Client useSecretDigest(String clientId, String digest) {
    return writer.write(
        tx -> {
          Client c = load(tx, clientId).orElseThrow(() -> notFound(clientId));
          if (c.publicClient()) {
            throw new Failure.Invalid("client_id", "public clients have no secret");
          }
          if (!usesSecret(c.tokenEndpointAuthMethod())) {
            throw new Failure.Invalid(
                "token_endpoint_auth_method",
                "private_key_jwt clients have no secret; they sign with their jwks");
          }
          tx.update(
              "UPDATE clients SET secret_digest = ?, updated_at = ? WHERE client_id = ?",
              digest,
              clock.millis(),
              clientId);
          return changed(tx, clientId);
        });
  }

  public Client get(String clientId) {
    return reads.read(q -> load(q, clientId)).orElseThrow(() -> notFound(clientId));
  }

  public Listing<Client> list(int limit, int offset) {
    return reads.read(
        q ->
            new Listing<>(
                q.list(
                    "SELECT " + COLUMNS + " FROM clients ORDER BY client_id LIMIT ? OFFSET ?",
                    ROW,
                    limit,
                    offset),
                q.count("SELECT COUNT(*) FROM clients")));
  }

  public void delete(String clientId) {
    writer.write(
        tx -> {
          if (tx.update("DELETE FROM clients WHERE client_id = ?", clientId) == 0) {
            throw notFound(clientId);
          }
          tx.publish(new ClientEvent.ClientDeleted(clientId));
          return null;
        });
  }

  private static Client changed(Tx tx, String clientId) {
    Client client = load(tx, clientId).orElseThrow();
    String digest =
        tx.one(
                "SELECT secret_digest FROM clients WHERE client_id = ?",
                row -> row.getString(1),
                clientId)
            .orElse("");
    tx.publish(new ClientEvent.ClientChanged(client, digest));
    return client;
  }

  private static Optional<Client> load(Query q, String clientId) {
    return q.one("SELECT " + COLUMNS + " FROM clients WHERE client_id = ?", ROW, clientId);
  }

  private static String clientId(String value) {
    if (!CLIENT_ID.matcher(value).matches()) {
      throw new Failure.Invalid("client_id", "client_id must be 1-128 letters, digits or . _ -");
    }
    return value;
  }

  private static String text(String field, String value, int max) {
    if (value.isBlank() || value.length() > max) {
      throw new Failure.Invalid(field, field + " must be 1-" + max + " characters");
    }
    return value;
  }

  private static List<String> grants(List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || !GRANT_TYPES.contains(values.get(i))) {
        throw new Failure.Invalid(
            "grant_types[" + i + "]", "grant_types[" + i + "] must be one of " + GRANT_TYPES);
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(values));
  }

  private static List<String> scopes(List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || !SCOPE.matcher(values.get(i)).matches()) {
        throw new Failure.Invalid("scopes[" + i + "]", "scopes[" + i + "] is not a valid scope");
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(values));
  }

  /** The method asked for, or the default: a secret when confidential, nothing when public. */
  private static String authMethod(@Nullable String value, boolean isPublic) {
    String field = "token_endpoint_auth_method";
    if (value == null) {
      return isPublic ? "none" : "client_secret_basic";
    }
    if (value.equals("client_secret_jwt")) {
      throw new Failure.Invalid(
          field,
          "client_secret_jwt is not supported: secrets are stored only as digests, so Gatehouse"
              + " cannot check an HMAC keyed with one; use private_key_jwt");
    }
    if (!AUTH_METHODS.contains(value)) {
      throw new Failure.Invalid(field, field + " must be one of " + AUTH_METHODS);
    }
    if (isPublic != value.equals("none")) {
      throw new Failure.Invalid(
          field, isPublic ? "public clients use none" : "none is only for public clients");
    }
    return value;
  }

  /**
   * The JWK Set to store: the new keys, else the stored ones; a {@code private_key_jwt} client must
   * have some and no other client may.
   */
  private static @Nullable String jwks(
      String method, @Nullable ClientKeys keys, @Nullable String stored) {
    if (!method.equals(PRIVATE_KEY_JWT)) {
      if (keys != null) {
        throw new Failure.Invalid("jwks", "jwks is only for private_key_jwt clients");
      }
      return null;
    }
    if (keys != null) {
      return keys.json();
    }
    if (stored == null) {
      throw new Failure.Invalid("jwks", "private_key_jwt needs jwks, the client's public keys");
    }
    return stored;
  }

  static boolean usesSecret(String method) {
    return method.startsWith("client_secret_");
  }

  private static String alg(String value) {
    if (!ALGS.contains(value)) {
      throw new Failure.Invalid("signing_alg", "signing_alg must be one of RS256, ES256, EdDSA");
    }
    return value;
  }

  /**
   * An access or ID token lifetime: at least a minute, at most a day, so that a retired signing key
   * can leave the JWKS a day after it stopped signing.
   */
  private static int lifetime(String field, @Nullable Integer value, int fallback) {
    int seconds = value == null ? fallback : value;
    if (seconds < 60 || seconds > 86_400) {
      throw new Failure.Invalid(field, field + " must be between 60 and 86400");
    }
    return seconds;
  }

  private static int refreshLifetime(int seconds) {
    if (seconds < 300 || seconds > 31_536_000) {
      throw new Failure.Invalid(
          "refresh_token_lifetime_seconds",
          "refresh_token_lifetime_seconds must be between 300 and 31536000");
    }
    return seconds;
  }

  /** Every client with its secret digest; for loading the in-memory directory. */
  public List<ClientDirectory.Entry> all() {
    return reads.read(q -> q.list(WITH_SECRET, Clients::entry));
  }

  /** What another node's change to client {@code clientId} means here: changed, or gone. */
  public List<ClientEvent> announced(String clientId) {
    return List.of(
        reads
            .read(q -> q.one(WITH_SECRET + " WHERE client_id = ?", Clients::entry, clientId))
            .<ClientEvent>map(e -> new ClientEvent.ClientChanged(e.client(), e.secretDigest()))
            .orElseGet(() -> new ClientEvent.ClientDeleted(clientId)));
  }

  private static final String WITH_SECRET = "SELECT " + COLUMNS + ", secret_digest FROM clients";

  private static ClientDirectory.Entry entry(ResultSet row) throws SQLException {
    // secret_digest follows the COLUMNS, whatever their number.
    return new ClientDirectory.Entry(
        ROW.map(row), nullToEmpty(row.getString(row.getMetaData().getColumnCount())));
  }

  private static String nullToEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  /** Absolute URIs without fragments; compared later by exact string match. */
  private static List<String> uris(String field, @Nullable List<String> values) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      String at = field + "[" + i + "]";
      try {
        URI uri = new URI(value == null ? "" : value);
        if (!uri.isAbsolute() || uri.getFragment() != null || value.length() > 2000) {
          throw new Failure.Invalid(at, at + " must be an absolute URI without a fragment");
        }
      } catch (URISyntaxException e) {
        throw new Failure.Invalid(at, at + " is not a valid URI");
      }
    }
    return List.copyOf(values);
  }

  private static String join(List<String> values) {
    return String.join(" ", values);
  }

  private static List<String> split(@Nullable String value) {
    return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(" "));
  }

  private static Failure.NotFound notFound(String clientId) {
    return new Failure.NotFound("no client with client_id " + clientId);
  }
}
