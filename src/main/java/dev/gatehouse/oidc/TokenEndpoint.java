package dev.gatehouse.oidc;

import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.token.Grants;
import dev.gatehouse.token.Outcome;
import dev.gatehouse.token.TokenSet;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.ErrorResponses;
import dev.gatehouse.web.Json;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The back-channel endpoints a client calls with its credentials: token, device authorization,
 * introspection and revocation. Every error is RFC 6749 §5.2 JSON; every answer is {@code
 * no-store}. Client authentication: client_secret_basic, client_secret_post, private_key_jwt (see
 * {@link ClientAssertions}), or none for public clients.
 */
final class TokenEndpoint {
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  private final ClientDirectory clients;
  private final ClientAssertions assertions;
  private final Grants grants;
  private final String issuer;
  private final Throttle deviceStarts;
  private final int deviceCodesPerClient;
  private final Throttles throttles;
  private final ClientIps clientIps;

  /**
   * @param deviceStarts device authorizations per client address: every call counts, since each one
   *     writes a row
   * @param deviceCodesPerClient the unexpired device codes one client may hold
   */
  TokenEndpoint(
      ClientDirectory clients,
      ClientAssertions assertions,
      Grants grants,
      String issuer,
      Throttle deviceStarts,
      int deviceCodesPerClient,
      ClientIps clientIps,
      Throttles throttles) {
    this.clientIps = clientIps;
    this.clients = clients;
    this.assertions = assertions;
    this.grants = grants;
    this.issuer = issuer;
    this.deviceStarts = deviceStarts;
    this.deviceCodesPerClient = deviceCodesPerClient;
    this.throttles = throttles;
  }

  /** A client that failed to authenticate, or a request that could not be read. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String error;
    final boolean basic;

    Refused(int status, String error, String description, boolean basic) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
      this.basic = basic;
    }
  }

  void token(RoutingContext ctx) {
    guarded(
        ctx,
        () -> {
          Params p = params(ctx);
          Client client = authenticate(ctx, p, false);
          String grantType = p.get("grant_type");
          if (grantType == null) {
            throw invalid("grant_type is required");
          }
          if (!List.of("authorization_code", "refresh_token", "client_credentials", DEVICE_GRANT)
              .contains(grantType)) {
            throw new Refused(
                400,
                "unsupported_grant_type",
                "grant_type " + grantType + " is not supported",
                false);
          }
          if (!client.grantTypes().contains(grantType)) {
            throw new Refused(
                400, "unauthorized_client", "this client may not use " + grantType, false);
          }
          Outcome outcome =
              switch (grantType) {
                case "authorization_code" ->
                    grants.exchangeCode(
                        client,
                        required(p, "code"),
                        required(p, "redirect_uri"),
                        p.get("code_verifier"));
                case "refresh_token" ->
                    grants.refresh(client, required(p, "refresh_token"), narrowed(p, client));
                case "client_credentials" -> {
                  List<String> scopes = narrowed(p, client);
                  yield grants.clientCredentials(client, scopes == null ? client.scopes() : scopes);
                }
                default -> grants.pollDevice(client, required(p, "device_code"));
              };
          switch (outcome) {
            case Outcome.Issued issued -> send(ctx, 200, body(issued.tokens()));
            case Outcome.Refused refused -> sendError(ctx, refused.error(), refused.description());
          }
        });
  }

  void deviceAuthorization(RoutingContext ctx, String verificationUri) {
    String address = clientIps.of(ctx);
    Duration wait = deviceStarts.begin(address);
    if (wait.isPositive()) {
      slowDown(ctx, wait, "too many device authorizations from this address");
      return;
    }
    // Every call counts, answered or not: each one writes a row.
    deviceStarts.fail(address);
    guarded(
        ctx,
        () -> {
          Params p = params(ctx);
          Client client = authenticate(ctx, p, false);
          if (!client.grantTypes().contains(DEVICE_GRANT)) {
            throw new Refused(
                400, "unauthorized_client", "this client may not use the device flow", false);
          }
          List<String> scopes = narrowed(p, client);
          Grants.DeviceStart start;
          try {
            start =
                grants.startDevice(
                    client, scopes == null ? client.scopes() : scopes, deviceCodesPerClient);
          } catch (Failure.Throttled e) {
            throttles.refused("device_codes_per_client");
            slowDown(ctx, e.retryAfter(), String.valueOf(e.getMessage()));
            return;
          }
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("device_code", start.deviceCode());
          body.put("user_code", start.userCode());
          body.put("verification_uri", verificationUri);
          body.put("verification_uri_complete", verificationUri + "?user_code=" + start.userCode());
          body.put("expires_in", start.expiresIn());
          body.put("interval", start.interval());
          send(ctx, 200, body);
        });
  }

  void introspect(RoutingContext ctx) {
    guarded(
        ctx,
        () -> {
          Params p = params(ctx);
          Client client = authenticate(ctx, p, true);
          Map<String, Object> body =
              new LinkedHashMap<>(grants.introspect(client, required(p, "token")));
          if (Boolean.TRUE.equals(body.get("active"))) {
            body.put("iss", issuer);
          }
          send(ctx, 200, body);
        });
  }

  void revoke(RoutingContext ctx) {
    guarded(
        ctx,
        () -> {
          Params p = params(ctx);
          Client client = authenticate(ctx, p, false);
          var refused = grants.revoke(client, required(p, "token"));
          if (refused.isPresent()) {
            sendError(ctx, refused.get().error(), refused.get().description());
            return;
          }
          ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end();
        });
  }

  private static void guarded(RoutingContext ctx, Runnable handler) {
    try {
      handler.run();
    } catch (Refused e) {
      if (e.basic) {
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"gatehouse\"");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.error);
      body.put("error_description", String.valueOf(e.getMessage()));
      send(ctx, e.status, body);
    }
  }

  private static Params params(RoutingContext ctx) {
    Params p = Params.form(ctx);
    String invalid = p.invalid();
    if (invalid != null) {
      throw invalid(invalid);
    }
    return p;
  }

  /**
   * The client behind the ctx. {@code confidentialOnly}: public clients may not call (as for
   * introspection, which would otherwise let anyone probe tokens).
   */
  private Client authenticate(RoutingContext ctx, Params p, boolean confidentialOnly) {
    String header = ctx.request().getHeader("Authorization");
    String postedSecret = p.get("client_secret");
    String postedId = p.get("client_id");
    boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
    if (p.get("client_assertion") != null || p.get("client_assertion_type") != null) {
      if (basic || postedSecret != null) {
        throw invalid("use one client authentication method, not two");
      }
      return asserted(p, postedId);
    }
    if (basic) {
      if (postedSecret != null) {
        throw invalid("use one client authentication method, not two");
      }
      String[] pair = basic(header.substring(6).strip());
      if (pair == null) {
        throw unauthenticated("malformed Basic credentials", true);
      }
      if (postedId != null && !postedId.equals(pair[0])) {
        throw invalid("client_id differs from the authenticated client");
      }
      Client client = clients.authenticate(pair[0], pair[1]);
      if (client == null) {
        throw unauthenticated("client authentication failed", true);
      }
      return client;
    }
    if (postedId == null) {
      throw unauthenticated("client authentication is required", false);
    }
    if (postedSecret != null) {
      Client client = clients.authenticate(postedId, postedSecret);
      if (client == null) {
        throw unauthenticated("client authentication failed", false);
      }
      return client;
    }
    Client client = postedId.length() > 128 ? null : clients.get(postedId);
    if (client == null || !client.publicClient() || confidentialOnly) {
      throw unauthenticated("client authentication failed", false);
    }
    return client;
  }

  /** RFC 7523 §2.2: the client that signed {@code client_assertion}. */
  private Client asserted(Params p, @Nullable String postedId) {
    String type = p.get("client_assertion_type");
    String assertion = p.get("client_assertion");
    if (type == null || assertion == null) {
      throw invalid("client_assertion and client_assertion_type go together");
    }
    if (!type.equals(ClientAssertions.JWT_BEARER)) {
      throw unauthenticated("client_assertion_type must be " + ClientAssertions.JWT_BEARER, false);
    }
    Client client =
        switch (assertions.verify(assertion)) {
          case ClientAssertions.Verdict.Accepted accepted -> accepted.client();
          case ClientAssertions.Verdict.Rejected rejected ->
              throw unauthenticated(rejected.description(), false);
        };
    if (postedId != null && !postedId.equals(client.clientId())) {
      throw invalid("client_id differs from the authenticated client");
    }
    return client;
  }

  /** RFC 6749 §2.3.1: both halves are form-urlencoded before being joined with a colon. */
  private static String @Nullable [] basic(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      return new String[] {
        URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
      };
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The requested scope, each allowed for the client; null when none was requested. */
  private static @Nullable List<String> narrowed(Params p, Client client) {
    String scope = p.get("scope");
    if (scope == null) {
      return null;
    }
    List<String> scopes = List.copyOf(new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +"))));
    for (String s : scopes) {
      if (!client.scopes().contains(s)) {
        throw new Refused(400, "invalid_scope", "scope " + s + " is not allowed", false);
      }
    }
    return scopes;
  }

  private static String required(Params p, String name) {
    String value = p.get(name);
    if (value == null) {
      throw invalid(name + " is required");
    }
    return value;
  }

  private static Refused invalid(String description) {
    return new Refused(400, "invalid_request", description, false);
  }

  private static Refused unauthenticated(String description, boolean basic) {
    return new Refused(401, "invalid_client", description, basic);
  }

  private static Map<String, Object> body(TokenSet tokens) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", tokens.accessToken());
    body.put("token_type", tokens.tokenType());
    body.put("expires_in", tokens.expiresIn());
    if (tokens.refreshToken() != null) {
      body.put("refresh_token", tokens.refreshToken());
    }
    if (tokens.idToken() != null) {
      body.put("id_token", tokens.idToken());
    }
    body.put("scope", tokens.scope());
    return body;
  }

  /**
   * 429 with Retry-After and RFC 8628's {@code slow_down}: the registered OAuth error that says
   * exactly this.
   */
  private static void slowDown(RoutingContext ctx, Duration wait, String description) {
    ctx.response().putHeader("Retry-After", ErrorResponses.retryAfter(wait));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "slow_down");
    body.put("error_description", description);
    send(ctx, 429, body);
  }

  private static void sendError(RoutingContext ctx, String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    send(ctx, 400, body);
  }

  static void send(RoutingContext ctx, int status, Map<String, Object> body) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    Json.send(ctx, status, body);
  }
}
