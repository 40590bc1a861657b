package dev.gatehouse.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.client.Clients;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Amr;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.throttle.Throttle;
import dev.gatehouse.throttle.Throttles;
import dev.gatehouse.token.AccessToken;
import dev.gatehouse.token.Grants;
import dev.gatehouse.token.UserClaims;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.ErrorResponses;
import dev.gatehouse.web.Http;
import dev.gatehouse.web.Json;
import dev.gatehouse.web.Routing;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The OpenID Provider's routes. Discovery, the JWKS and userinfo are answered from memory;
 * authorize and the back-channel endpoints live in {@link AuthorizeEndpoint} and {@link
 * TokenEndpoint}.
 */
public final class OidcRoutes {
  private final SigningKeys keys;
  private final Grants grants;
  private final ClientDirectory clients;
  private final UserDirectory users;
  private final Sessions sessions;
  private final SignedInUsers signedInUsers;
  private final Cookies cookies;
  private final Pages pages;
  private final String issuer;
  private final byte[] discovery;
  private final AuthorizeEndpoint authorize;
  private final TokenEndpoint token;
  private final Throttle codeGuesses;

  private final ClientIps clientIps;

  public OidcRoutes(
      SigningKeys keys,
      Grants grants,
      ClientDirectory clients,
      UserDirectory users,
      Sessions sessions,
      Csrf csrf,
      MacKey loginMarks,
      Cookies cookies,
      URI publicUrl,
      InstantSource clock,
      Throttles throttles,
      ClientIps clientIps,
      int deviceCodesPerClient,
      int maxJtisPerClient) {
    this.clientIps = clientIps;
    this.keys = keys;
    this.grants = grants;
    this.clients = clients;
    this.users = users;
    this.sessions = sessions;
    this.signedInUsers = new SignedInUsers(sessions, users);
    this.cookies = cookies;
    this.issuer = publicUrl.toString();
    this.pages = new Pages(csrf);
    this.discovery = discovery(issuer);
    this.authorize =
        new AuthorizeEndpoint(clients, sessions, users, grants, pages, loginMarks, issuer, clock);
    ClientAssertions assertions =
        new ClientAssertions(
            clients,
            Set.of(
                issuer,
                issuer + "/oidc/token",
                issuer + "/oidc/device_authorization",
                issuer + "/oidc/introspect",
                issuer + "/oidc/revoke"),
            clock,
            maxJtisPerClient);
    this.token =
        new TokenEndpoint(
            clients,
            assertions,
            grants,
            issuer,
            throttles.perAddress("device_authorization"),
            deviceCodesPerClient,
            clientIps,
            throttles);
    this.codeGuesses = throttles.perAddress("device_code");
  }

  /**
   * Discovery and the key set are answered on the event loop (bytes in memory); everything else on
   * virtual threads. Endpoints a browser is sent to answer errors as pages, the rest as JSON.
   */
  public void register(Routing routing) {
    routing
        .onLoop(HttpMethod.GET, "/.well-known/openid-configuration", ctx -> json(ctx, discovery))
        .onLoop(HttpMethod.GET, "/.well-known/jwks.json", ctx -> json(ctx, keys.jwks()))
        .onLoop(HttpMethod.GET, "/oidc/jwks", ctx -> json(ctx, keys.jwks()))
        .post("/oidc/token", token::token)
        .post(
            "/oidc/device_authorization",
            ctx -> token.deviceAuthorization(ctx, issuer + "/oidc/device"))
        .post("/oidc/introspect", token::introspect)
        .post("/oidc/revoke", token::revoke)
        .get("/oidc/userinfo", this::userinfo)
        .post("/oidc/userinfo", this::userinfo);
    routing
        .pages()
        .get("/oidc/authorize", authorize::authorize)
        .post("/oidc/authorize", authorize::authorize)
        .post("/oidc/authorize/consent", authorize::consent)
        .get("/oidc/logout", this::logout)
        .post("/oidc/logout", this::logout)
        .get("/oidc/device", this::devicePage)
        .post("/oidc/device", this::deviceDecision);
  }

  private static byte[] discovery(String issuer) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("issuer", issuer);
    doc.put("authorization_endpoint", issuer + "/oidc/authorize");
    doc.put("token_endpoint", issuer + "/oidc/token");
    doc.put("userinfo_endpoint", issuer + "/oidc/userinfo");
    doc.put("jwks_uri", issuer + "/.well-known/jwks.json");
    doc.put("end_session_endpoint", issuer + "/oidc/logout");
    doc.put("introspection_endpoint", issuer + "/oidc/introspect");
    doc.put("revocation_endpoint", issuer + "/oidc/revoke");
    doc.put("device_authorization_endpoint", issuer + "/oidc/device_authorization");
    doc.put("scopes_supported", List.of("openid", "profile", "email", "groups"));
    doc.put("response_types_supported", List.of("code"));
    doc.put("response_modes_supported", List.of("query", "form_post"));
    doc.put(
        "grant_types_supported",
        List.of(
            "authorization_code",
            "refresh_token",
            "client_credentials",
            TokenEndpoint.DEVICE_GRANT));
    doc.put("subject_types_supported", List.of("public"));
    doc.put("id_token_signing_alg_values_supported", SigningKeys.ALGORITHMS);
    List<String> auth = Clients.AUTH_METHODS;
    doc.put("token_endpoint_auth_methods_supported", auth);
    doc.put("token_endpoint_auth_signing_alg_values_supported", Clients.ASSERTION_ALGORITHMS);
    doc.put(
        "introspection_endpoint_auth_methods_supported",
        auth.stream().filter(method -> !method.equals("none")).toList());
    doc.put(
        "introspection_endpoint_auth_signing_alg_values_supported", Clients.ASSERTION_ALGORITHMS);
    doc.put("revocation_endpoint_auth_methods_supported", auth);
    doc.put("revocation_endpoint_auth_signing_alg_values_supported", Clients.ASSERTION_ALGORITHMS);
    doc.put("code_challenge_methods_supported", List.of("S256"));
    doc.put("acr_values_supported", List.of(Amr.MULTI_FACTOR, Amr.ONE_FACTOR));
    doc.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
    doc.put(
        "claims_supported",
        List.of(
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "amr",
            "acr",
            "azp",
            "preferred_username",
            "name",
            "email",
            "email_verified",
            "groups"));
    doc.put("authorization_response_iss_parameter_supported", true);
    doc.put("request_parameter_supported", false);
    doc.put("request_uri_parameter_supported", false);
    doc.put("claims_parameter_supported", false);
    try {
      return Json.MAPPER.writeValueAsBytes(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void json(RoutingContext ctx, byte[] body) {
    ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "public, max-age=300")
        .putHeader("Access-Control-Allow-Origin", "*")
        .end(Buffer.buffer(body));
  }

  /** OIDC Core §5.3: the claims the token's scopes release, read from memory. */
  private void userinfo(RoutingContext ctx) {
    String header = Http.header(ctx, "Authorization", "");
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearerError(ctx, 401, null, "a Bearer access token is required");
      return;
    }
    Optional<AccessToken> token = grants.accessTokens().verify(header.substring(7).strip());
    Principal principal = token.flatMap(AccessToken::userId).map(users::get).orElse(null);
    if (token.isEmpty() || principal == null || principal.disabled()) {
      bearerError(ctx, 401, "invalid_token", "the access token is not valid");
      return;
    }
    if (!token.get().scopes().contains("openid")) {
      bearerError(ctx, 403, "insufficient_scope", "the token lacks scope openid");
      return;
    }
    ctx.response().putHeader("Cache-Control", "no-store");
    Json.send(ctx, 200, UserClaims.of(principal, token.get().scopes()));
  }

  private static void bearerError(
      RoutingContext ctx, int status, @Nullable String error, String description) {
    ctx.response().putHeader("Cache-Control", "no-store");
    ctx.response()
        .putHeader(
            "WWW-Authenticate",
            error == null
                ? "Bearer realm=\"gatehouse\""
                : "Bearer realm=\"gatehouse\", error=\"" + error + "\"");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error == null ? "invalid_request" : error);
    body.put("error_description", description);
    Json.send(ctx, status, body);
  }

  /**
   * RP-initiated logout 1.0. With a valid {@code id_token_hint} for the signed-in user the session
   * ends at once; otherwise the user confirms first, so that no third-party page can sign anyone
   * out. A {@code post_logout_redirect_uri} must be registered for the client, exactly.
   */
  private void logout(RoutingContext ctx) {
    Params p = Params.read(ctx);
    String invalid = p.invalid();
    if (invalid != null) {
      pages.error(ctx, "invalid_request", invalid);
      return;
    }
    String hint = p.get("id_token_hint");
    JWTClaimsSet hinted = hint == null ? null : idTokenClaims(hint);
    if (hint != null && hinted == null) {
      pages.error(ctx, "invalid_request", "The id_token_hint was not issued here.");
      return;
    }
    String clientId = p.get("client_id");
    if (hinted != null) {
      List<String> aud = hinted.getAudience();
      if (clientId != null && !aud.contains(clientId)) {
        pages.error(ctx, "invalid_request", "client_id does not match the id_token_hint.");
        return;
      }
      clientId = aud.isEmpty() ? null : aud.get(0);
    }
    String target = p.get("post_logout_redirect_uri");
    if (target != null) {
      Client client = clientId == null ? null : clients.get(clientId);
      if (client == null || !client.postLogoutRedirectUris().contains(target)) {
        pages.error(
            ctx,
            "invalid_request",
            "The post_logout_redirect_uri is not registered for this application.");
        return;
      }
    }
    String cookie = Http.cookie(ctx, Cookies.SESSION);
    ActiveSession session = cookie == null ? null : sessions.current(cookie);
    boolean confirmed =
        ctx.request().method() == HttpMethod.POST
            && "yes".equals(p.get("confirm"))
            && pages.csrfValid(ctx, p);
    boolean hintMatches =
        hinted != null && session != null && session.userId().equals(hinted.getSubject());
    if (session != null && !confirmed && !hintMatches) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String name :
          List.of("id_token_hint", "post_logout_redirect_uri", "state", "client_id")) {
        p.find(name).ifPresent(v -> fields.put(name, v));
      }
      pages.renderForm(ctx, 200, "logout", Map.of("fields", fields, "done", false), target);
      return;
    }
    if (cookie != null) {
      sessions.end(cookie);
      ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.SESSION));
    }
    // As the portal's logout: the signed-out browser keeps no device credential (it stays paired).
    if (Http.cookie(ctx, Cookies.DEVICE) != null) {
      ctx.response().headers().add("Set-Cookie", cookies.clear(Cookies.DEVICE));
    }
    if (target != null) {
      String state = p.get("state");
      String location =
          state == null
              ? target
              : target
                  + (target.contains("?") ? "&" : "?")
                  + "state="
                  + URLEncoder.encode(state, StandardCharsets.UTF_8);
      Http.redirect(ctx, location);
      return;
    }
    pages.renderForm(ctx, 200, "logout", Map.of("fields", Map.of(), "done", true));
  }

  /** The claims of an ID token signed here, expired or not (a hint may be old). */
  private @Nullable JWTClaimsSet idTokenClaims(String token) {
    Optional<SignedJWT> jwt = keys.verify(token);
    if (jwt.isEmpty()) {
      return null;
    }
    try {
      JWTClaimsSet claims = jwt.get().getJWTClaimsSet();
      return issuer.equals(claims.getIssuer()) && claims.getSubject() != null ? claims : null;
    } catch (ParseException e) {
      return null;
    }
  }

  private void devicePage(RoutingContext ctx) {
    String typed = Http.query(ctx, "user_code", "");
    ActiveSession session = signedIn(ctx);
    if (session == null) {
      String rd =
          "/oidc/device"
              + (typed.isEmpty()
                  ? ""
                  : "?user_code=" + URLEncoder.encode(typed, StandardCharsets.UTF_8));
      ctx.response()
          .setStatusCode(303)
          .putHeader("Location", "/login?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8))
          .end();
      return;
    }
    if (typed.isEmpty() || typed.length() > 64) {
      device(ctx, 200, "", "", List.of(), "", "");
      return;
    }
    if (throttled(ctx)) {
      return;
    }
    Optional<Grants.PendingDevice> pending;
    try {
      pending = grants.pendingDevice(typed);
    } catch (RuntimeException e) {
      codeGuesses.pass(clientIps.of(ctx));
      throw e;
    }
    Client client = pending.map(d -> clients.get(d.clientId())).orElse(null);
    if (pending.isEmpty() || client == null) {
      codeGuesses.fail(clientIps.of(ctx));
      device(ctx, 400, typed, "", List.of(), "", "Unknown or expired code.");
      return;
    }
    codeGuesses.pass(clientIps.of(ctx));
    if (client.requireMfa() && !session.multiFactor()) {
      stepUp(ctx, pending.get().userCode());
      return;
    }
    device(ctx, 200, pending.get().userCode(), client.name(), pending.get().scopes(), "", "");
  }

  private void deviceDecision(RoutingContext ctx) {
    Params form = Params.form(ctx);
    ActiveSession session = signedIn(ctx);
    if (session == null || form.invalid() != null || !pages.csrfValid(ctx, form)) {
      device(
          ctx,
          403,
          "",
          "",
          List.of(),
          "",
          "Your form expired or you are signed out; please try again.");
      return;
    }
    if (throttled(ctx)) {
      return;
    }
    boolean allow = "allow".equals(form.get("decision"));
    String userCode = form.find("user_code").orElse("");
    boolean decided;
    try {
      // Checked here too, not only on the page: the form can be posted without it.
      if (allow && !session.multiFactor() && needsSecondFactor(userCode)) {
        codeGuesses.pass(clientIps.of(ctx));
        stepUp(ctx, userCode);
        return;
      }
      decided =
          grants.decideDevice(
              userCode, session.userId(), session.createdAt().toEpochMilli(), session.amr(), allow);
    } catch (RuntimeException e) {
      codeGuesses.pass(clientIps.of(ctx));
      throw e;
    }
    if (decided) {
      codeGuesses.pass(clientIps.of(ctx));
    } else {
      codeGuesses.fail(clientIps.of(ctx));
      device(ctx, 400, "", "", List.of(), "", "Unknown or expired code.");
      return;
    }
    device(
        ctx,
        200,
        "",
        "",
        List.of(),
        allow
            ? "The device is connected. You can close this page."
            : "The request was denied. Nothing was shared.",
        "");
  }

  /**
   * Whether the client behind a pending user code requires a second factor ({@code require_mfa}).
   */
  private boolean needsSecondFactor(String userCode) {
    return grants
        .pendingDevice(userCode)
        .map(pending -> clients.get(pending.clientId()))
        .map(Client::requireMfa)
        .orElse(false);
  }

  /**
   * A client that requires a second factor gets tokens only from a two-factor session, as in the
   * code flow: a one-factor session proves one on the step-up page first, and comes back to the
   * code.
   */
  private static void stepUp(RoutingContext ctx, String userCode) {
    String rd = "/oidc/device?user_code=" + URLEncoder.encode(userCode, StandardCharsets.UTF_8);
    ctx.response()
        .setStatusCode(303)
        .putHeader("Location", "/login/verify?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8))
        .putHeader("Cache-Control", "no-store")
        .end();
  }

  /**
   * Answers 429 when this address guessed too many user codes, before the code is looked up; true
   * when it did. Otherwise the lookup is admitted, and must end in a pass or a fail.
   */
  private boolean throttled(RoutingContext ctx) {
    Duration wait = codeGuesses.begin(clientIps.of(ctx));
    if (!wait.isPositive()) {
      return false;
    }
    String seconds = ErrorResponses.retryAfter(wait);
    ctx.response().putHeader("Retry-After", seconds);
    device(
        ctx,
        429,
        "",
        "",
        List.of(),
        "",
        "Too many wrong codes. Try again in " + seconds + " seconds.");
    return true;
  }

  private void device(
      RoutingContext ctx,
      int status,
      String userCode,
      String clientName,
      List<String> scopes,
      String message,
      String error) {
    pages.renderForm(
        ctx,
        status,
        "device",
        Map.of(
            "userCode",
            userCode,
            "clientName",
            clientName,
            "scopes",
            scopes,
            "message",
            message,
            "error",
            error));
  }

  private @Nullable ActiveSession signedIn(RoutingContext ctx) {
    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    return signedIn == null ? null : signedIn.session();
  }
}
