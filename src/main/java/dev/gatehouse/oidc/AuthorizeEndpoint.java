package dev.gatehouse.oidc;

import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientDirectory;
import dev.gatehouse.crypto.MacKey;
import dev.gatehouse.session.ActiveSession;
import dev.gatehouse.session.Amr;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.web.Cookies;
import dev.gatehouse.web.Http;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The authorization endpoint (code flow only) and its consent step.
 *
 * <p>What always holds: a browser is sent back to a redirect URI only when the client exists and
 * the URI is one of its registered ones, compared as exact strings (OIDC Core §3.1.2.1). Until both
 * are established every error is a page; after that every error goes back to the client with {@code
 * error}, {@code error_description}, {@code state} and {@code iss} (RFC 6749 §4.1.2.1, RFC 9207).
 */
final class AuthorizeEndpoint {
  private static final Set<String> PROMPTS = Set.of("none", "login", "consent", "select_account");
  private static final Pattern CHALLENGE = Pattern.compile("^[A-Za-z0-9_-]{43}$");

  /** Room for any username or email address; a longer hint is a broken request. */
  private static final int MAX_LOGIN_HINT = 256;

  /**
   * Marks when a login was asked for, so that the request coming back from it is not re-asked:
   * {@code <millis>.<MAC>}, the MAC over the time and the request's other parameters under a server
   * key, so that a client cannot forge a mark to skip {@code prompt=login}, {@code max_age} or
   * {@code login_hint}, nor move a real one onto another request.
   */
  static final String LOGIN_MARK = "gh_login";

  private static final List<String> FORWARDED =
      List.of(
          "client_id",
          "redirect_uri",
          "response_type",
          "response_mode",
          "scope",
          "state",
          "nonce",
          "code_challenge",
          "code_challenge_method",
          "prompt",
          "max_age",
          "login_hint",
          "acr_values",
          LOGIN_MARK);

  private final ClientDirectory clients;
  private final Sessions sessions;
  private final SignedInUsers signedInUsers;
  private final UserDirectory users;
  private final Grants grants;
  private final Pages pages;
  private final MacKey loginMarks;
  private final String issuer;
  private final InstantSource clock;

  AuthorizeEndpoint(
      ClientDirectory clients,
      Sessions sessions,
      UserDirectory users,
      Grants grants,
      Pages pages,
      MacKey loginMarks,
      String issuer,
      InstantSource clock) {
    this.clients = clients;
    this.sessions = sessions;
    this.signedInUsers = new SignedInUsers(sessions, users);
    this.users = users;
    this.grants = grants;
    this.pages = pages;
    this.loginMarks = loginMarks;
    this.issuer = issuer;
    this.clock = clock;
  }

  /** A request that passed validation: where to answer, and what was asked. */
  private record Request(
      Client client,
      String redirectUri,
      boolean formPost,
      @Nullable String state,
      List<String> scopes,
      @Nullable String nonce,
      @Nullable String challenge,
      Set<String> prompt,
      @Nullable Long maxAge,
      @Nullable String loginHint,
      boolean mfa,
      Map<String, String> forwarded) {}

  /** Why a request fails after the redirect URI is trusted. */
  private record Refusal(String error, String description) {}

  void authorize(RoutingContext ctx) {
    handle(ctx, Params.read(ctx), null);
  }

  void consent(RoutingContext ctx) {
    Params form = Params.form(ctx);
    if (form.invalid() == null && !pages.csrfValid(ctx, form)) {
      pages.render(
          ctx,
          403,
          "error",
          Map.of(
              "error", "invalid_request", "description", "The form expired; please start again."));
      return;
    }
    String decision = form.get("decision");
    handle(ctx, form, decision == null ? "" : decision);
  }

  private void handle(RoutingContext ctx, Params p, @Nullable String decision) {
    if (p.problem() != null) {
      pages.error(ctx, "invalid_request", p.problem());
      return;
    }
    String clientId = p.get("client_id");
    if (clientId == null || p.repeated().contains("client_id")) {
      pages.error(ctx, "invalid_request", "The request names no client (client_id).");
      return;
    }
    Client client = clientId.length() > 128 ? null : clients.get(clientId);
    if (client == null) {
      pages.error(ctx, "invalid_client", "The application is not registered here.");
      return;
    }
    String redirectUri = p.get("redirect_uri");
    if (redirectUri == null || p.repeated().contains("redirect_uri")) {
      pages.error(ctx, "invalid_request", "The request has no redirect_uri.");
      return;
    }
    if (!client.redirectUris().contains(redirectUri)) {
      pages.error(
          ctx, "invalid_request", "The redirect_uri is not registered for this application.");
      return;
    }
    String mode = p.get("response_mode");
    boolean formPost = "form_post".equals(mode);
    String state = p.get("state");
    if (state != null && state.length() > 1024) {
      state = null;
    }
    Request partial =
        new Request(
            client,
            redirectUri,
            formPost,
            state,
            List.of(),
            null,
            null,
            Set.of(),
            null,
            null,
            false,
            Map.of());
    if (mode != null && !mode.equals("query") && !formPost) {
      refuse(ctx, partial, "invalid_request", "response_mode must be query or form_post");
      return;
    }
    Object checked = validate(p, partial);
    if (checked instanceof Refusal r) {
      refuse(ctx, partial, r.error(), r.description());
      return;
    }
    Request request = (Request) checked;

    SignedInUsers.SignedIn signedIn = signedInUsers.of(Http.cookie(ctx, Cookies.SESSION));
    ActiveSession session = signedIn == null ? null : signedIn.session();
    Principal principal = signedIn == null ? null : signedIn.principal();
    long now = clock.millis();
    if (decision == null && needsLogin(session, principal, request, p, now)) {
      if (request.prompt().contains("none")) {
        refuse(ctx, request, "login_required", "the user is not signed in");
        return;
      }
      Map<String, String> again = new LinkedHashMap<>(request.forwarded());
      again.put(LOGIN_MARK, mark(now, request.forwarded()));
      String rd = "/oidc/authorize?" + encode(again);
      if (rd.length() > 4096) {
        refuse(ctx, request, "invalid_request", "the request is too long");
        return;
      }
      String hint = request.loginHint();
      redirect(
          ctx,
          "/login?rd="
              + URLEncoder.encode(rd, StandardCharsets.UTF_8)
              + (hint == null
                  ? ""
                  : "&login_hint=" + URLEncoder.encode(hint, StandardCharsets.UTF_8)));
      return;
    }
    if (session == null || principal == null) {
      refuse(ctx, request, "login_required", "the user is not signed in");
      return;
    }
    if (request.mfa() && !session.multiFactor()) {
      if (request.prompt().contains("none")) {
        refuse(ctx, request, "interaction_required", "this application needs a second factor");
        return;
      }
      // The step-up page proves a second factor and comes back here (a login mark included).
      redirect(
          ctx,
          "/login/verify?rd="
              + URLEncoder.encode(
                  "/oidc/authorize?" + encode(request.forwarded()), StandardCharsets.UTF_8));
      return;
    }
    if (decision != null) {
      if (decision.equals("deny")) {
        refuse(ctx, request, "access_denied", "the user denied the request");
        return;
      }
      if (!decision.equals("allow")) {
        refuse(ctx, request, "invalid_request", "decision must be allow or deny");
        return;
      }
      if (!client.firstParty()) {
        grants.consent(principal.id(), client.clientId(), request.scopes());
      }
    } else if (!client.firstParty()
        && (request.prompt().contains("consent")
            || !grants.hasConsent(principal.id(), client.clientId(), request.scopes()))) {
      if (request.prompt().contains("none")) {
        refuse(ctx, request, "consent_required", "the user has not allowed this application");
        return;
      }
      pages.renderForm(
          ctx,
          200,
          "consent",
          Map.of(
              "clientName",
              client.name(),
              "username",
              principal.username(),
              "scopes",
              request.scopes(),
              "fields",
              request.forwarded()),
          request.redirectUri());
      return;
    }
    String code =
        grants.issueCode(
            new Grants.CodeRequest(
                client.clientId(),
                principal.id(),
                request.redirectUri(),
                request.scopes(),
                request.nonce(),
                request.challenge(),
                session.createdAt().toEpochMilli(),
                session.amr()));
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("code", code);
    respond(ctx, request, answer);
  }

  /** Everything after the client and redirect URI; a {@link Request} or a {@link Refusal}. */
  private static Object validate(Params p, Request partial) {
    Client client = partial.client();
    String invalid = p.invalid();
    if (invalid != null) {
      return new Refusal("invalid_request", invalid);
    }
    if (p.get("request") != null) {
      return new Refusal("request_not_supported", "request objects are not supported");
    }
    if (p.get("request_uri") != null) {
      return new Refusal("request_uri_not_supported", "request_uri is not supported");
    }
    String responseType = p.get("response_type");
    if (responseType == null) {
      return new Refusal("invalid_request", "response_type is required");
    }
    if (!responseType.equals("code")) {
      return new Refusal("unsupported_response_type", "only response_type=code is supported");
    }
    if (!client.grantTypes().contains("authorization_code")) {
      return new Refusal(
          "unauthorized_client", "this client may not use the authorization code flow");
    }
    String scope = p.get("scope");
    if (scope == null) {
      return new Refusal("invalid_scope", "scope is required");
    }
    List<String> scopes = List.copyOf(new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +"))));
    for (String s : scopes) {
      if (!client.scopes().contains(s)) {
        return new Refusal("invalid_scope", "scope " + s + " is not allowed for this client");
      }
    }
    String challenge = p.get("code_challenge");
    String method = p.get("code_challenge_method");
    if (method != null && !method.equals("S256")) {
      return new Refusal("invalid_request", "code_challenge_method must be S256");
    }
    if (challenge != null) {
      if (method == null) {
        return new Refusal("invalid_request", "code_challenge_method must be S256");
      }
      if (!CHALLENGE.matcher(challenge).matches()) {
        return new Refusal("invalid_request", "code_challenge must be 43 base64url characters");
      }
    } else if (client.publicClient() || client.requirePkce()) {
      return new Refusal("invalid_request", "code_challenge is required (PKCE, S256)");
    }
    Set<String> prompt = new LinkedHashSet<>();
    String promptValue = p.get("prompt");
    if (promptValue != null) {
      for (String value : promptValue.trim().split(" +")) {
        if (!PROMPTS.contains(value)) {
          return new Refusal("invalid_request", "unknown prompt value " + value);
        }
        prompt.add(value);
      }
      if (prompt.contains("none") && prompt.size() > 1) {
        return new Refusal("invalid_request", "prompt=none cannot be combined with other values");
      }
    }
    Long maxAge = null;
    String maxAgeValue = p.get("max_age");
    if (maxAgeValue != null) {
      try {
        maxAge = Long.parseLong(maxAgeValue);
      } catch (NumberFormatException e) {
        return new Refusal("invalid_request", "max_age must be a non-negative integer");
      }
      if (maxAge < 0) {
        return new Refusal("invalid_request", "max_age must be a non-negative integer");
      }
    }
    String nonce = p.get("nonce");
    if (nonce != null && nonce.length() > 512) {
      return new Refusal("invalid_request", "nonce is longer than 512 characters");
    }
    if (partial.state() == null && p.get("state") != null) {
      return new Refusal("invalid_request", "state is longer than 1024 characters");
    }
    String loginHint = p.get("login_hint");
    if (loginHint != null && loginHint.length() > MAX_LOGIN_HINT) {
      return new Refusal(
          "invalid_request", "login_hint is longer than " + MAX_LOGIN_HINT + " characters");
    }
    String acrValues = p.get("acr_values");
    if (acrValues != null && acrValues.length() > 256) {
      return new Refusal("invalid_request", "acr_values is longer than 256 characters");
    }
    // acr_values is a wish (OIDC Core 3.1.2.1): an unknown value is ignored, mfa is honoured.
    boolean mfa =
        client.requireMfa()
            || (acrValues != null
                && Arrays.asList(acrValues.trim().split(" +")).contains(Amr.MULTI_FACTOR));
    Map<String, String> forwarded = new LinkedHashMap<>();
    for (String name : FORWARDED) {
      String value = p.get(name);
      if (value != null) {
        forwarded.put(name, value);
      }
    }
    return new Request(
        client,
        partial.redirectUri(),
        partial.formPost(),
        partial.state(),
        scopes,
        nonce,
        challenge,
        Set.copyOf(prompt),
        maxAge,
        loginHint,
        mfa,
        Map.copyOf(forwarded));
  }

  /**
   * Whether the user must (again) sign in: no session, prompt=login or max_age ask for a newer
   * sign-in than the session's, or login_hint names someone else; unless this request already comes
   * back from a sign-in, whoever signed in (a hint is no demand).
   */
  private boolean needsLogin(
      @Nullable ActiveSession session,
      @Nullable Principal principal,
      Request request,
      Params p,
      long now) {
    if (session == null || principal == null) {
      return true;
    }
    long authTime = session.createdAt().toEpochMilli();
    Long marked = markedAt(p.get(LOGIN_MARK), request.forwarded());
    if (marked != null && authTime >= marked) {
      return false;
    }
    if (request.prompt().contains("login")) {
      return true;
    }
    String hint = request.loginHint();
    if (hint != null
        && !hint.equalsIgnoreCase(principal.username())
        && !hint.equalsIgnoreCase(principal.email())) {
      return true;
    }
    return request.maxAge() != null && now - authTime > request.maxAge() * 1000;
  }

  /** A login mark for a request with {@code forwarded} parameters, made at {@code now}. */
  private String mark(long now, Map<String, String> forwarded) {
    String at = Long.toString(now);
    return at + "." + loginMarks.sign(at, markedRequest(forwarded));
  }

  /** When a genuine mark for this very request was made, or null for none or a forged one. */
  private @Nullable Long markedAt(@Nullable String mark, Map<String, String> forwarded) {
    int dot = mark == null ? -1 : mark.indexOf('.');
    if (mark == null || dot < 1) {
      return null;
    }
    String at = mark.substring(0, dot);
    if (!loginMarks.verify(mark.substring(dot + 1), at, markedRequest(forwarded))) {
      return null;
    }
    try {
      return Long.parseLong(at);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The request's parameters but the mark, in one order, as the mark's MAC covers them. */
  private static String markedRequest(Map<String, String> forwarded) {
    Map<String, String> sorted = new TreeMap<>(forwarded);
    sorted.remove(LOGIN_MARK);
    return encode(sorted);
  }

  private void refuse(RoutingContext ctx, Request request, String error, String description) {
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("error_description", description);
    respond(ctx, request, answer);
  }

  private void respond(RoutingContext ctx, Request request, Map<String, String> answer) {
    if (request.state() != null) {
      answer.put("state", request.state());
    }
    answer.put("iss", issuer);
    if (request.formPost()) {
      pages.formPost(ctx, request.redirectUri(), answer);
      return;
    }
    String uri = request.redirectUri();
    redirect(ctx, uri + (uri.contains("?") ? "&" : "?") + encode(answer));
  }

  static String encode(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response()
        .setStatusCode(303)
        .putHeader("Location", location)
        .putHeader("Cache-Control", "no-store")
        .end();
  }
}
