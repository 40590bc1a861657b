package dev.gatehouse.admin.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.gatehouse.admin.Administration;
import dev.gatehouse.client.Client;
import dev.gatehouse.client.ClientRequest;
import dev.gatehouse.client.Clients;
import dev.gatehouse.client.CreatedClient;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.store.Listing;
import dev.gatehouse.web.Json;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OIDC clients: a paged list, registering one, and each client's page to edit it, rotate its secret
 * or delete it. A secret exists only in the answer to the post that made it (create or rotate):
 * that page is rendered directly, never redirected to, so that it is in no URL, history entry or
 * log, and the next visit of the client's page no longer has it.
 */
public final class ClientPages {
  /** The list page. */
  public record ListView(List<Client> clients, Pager pager) {}

  /** The "new client" page, with what was typed when it was refused. */
  public record NewView(ClientForm form, FieldErrors errors) {}

  /**
   * A client's page: its settings as a form ({@code form}: the client's, or what was typed when
   * refused), and its new secret right after create or rotate (empty otherwise).
   */
  public record DetailView(Client client, ClientForm form, FieldErrors errors, String secret) {
    public String when(java.time.Instant at) {
      return ConsolePages.when(at);
    }
  }

  /**
   * A client's settings as the form holds them: lists as text (redirect URIs one per line, scopes
   * space-separated), lifetimes as typed.
   */
  public record ClientForm(
      String clientId,
      String name,
      String redirectUris,
      String postLogoutRedirectUris,
      Set<String> grantTypes,
      String scopes,
      boolean publicClient,
      boolean firstParty,
      boolean requirePkce,
      boolean requireMfa,
      String signingAlg,
      String authMethod,
      String jwks,
      String accessTokenLifetime,
      String idTokenLifetime,
      String refreshTokenLifetime) {

    public static final List<String> GRANT_TYPES = Clients.GRANT_TYPES;
    public static final List<String> AUTH_METHODS = Clients.AUTH_METHODS;
    public static final List<String> ALGORITHMS = SigningKeys.ALGORITHMS;

    /** A new client as the API would make it when given nothing. */
    static final ClientForm DEFAULTS =
        new ClientForm(
            "",
            "",
            "",
            "",
            Set.of("authorization_code", "refresh_token"),
            "openid profile email",
            false,
            false,
            true,
            false,
            "RS256",
            "",
            "",
            "600",
            "600",
            "2592000");

    static ClientForm of(Client c) {
      return new ClientForm(
          c.clientId(),
          c.name(),
          String.join("\n", c.redirectUris()),
          String.join("\n", c.postLogoutRedirectUris()),
          Set.copyOf(c.grantTypes()),
          String.join(" ", c.scopes()),
          c.publicClient(),
          c.firstParty(),
          c.requirePkce(),
          c.requireMfa(),
          c.signingAlg(),
          c.tokenEndpointAuthMethod(),
          Objects.requireNonNullElse(c.jwks(), ""),
          Integer.toString(c.accessTokenLifetimeSeconds()),
          Integer.toString(c.idTokenLifetimeSeconds()),
          Integer.toString(c.refreshTokenLifetimeSeconds()));
    }

    /** The posted form; a grant type is checked by a field {@code grant.<type>}. */
    static ClientForm read(Visit v) {
      Set<String> grants = new LinkedHashSet<>();
      for (String grant : GRANT_TYPES) {
        if (checked(v, "grant." + grant)) {
          grants.add(grant);
        }
      }
      return new ClientForm(
          v.field("client_id"),
          v.field("name"),
          v.field("redirect_uris"),
          v.field("post_logout_redirect_uris"),
          grants,
          v.field("scopes"),
          checked(v, "public"),
          checked(v, "first_party"),
          checked(v, "require_pkce"),
          checked(v, "require_mfa"),
          v.field("signing_alg"),
          v.field("token_endpoint_auth_method"),
          v.field("jwks"),
          v.field("access_token_lifetime_seconds"),
          v.field("id_token_lifetime_seconds"),
          v.field("refresh_token_lifetime_seconds"));
    }

    public boolean grants(String grant) {
      return grantTypes.contains(grant);
    }

    /**
     * The request this form makes. Creating, blanks mean the API's defaults; updating ({@code
     * existing} given), they leave a value unchanged, and a public client's PKCE is not asked about
     * (it is always required).
     */
    ClientRequest request(@Nullable Client existing) {
      boolean creating = existing == null;
      return new ClientRequest(
          creating ? blankToNull(clientId) : null,
          creating ? blankToNull(name) : name,
          lines(redirectUris),
          lines(postLogoutRedirectUris),
          List.copyOf(grantTypes),
          Arrays.stream(scopes.split("\\s+")).filter(s -> !s.isEmpty()).toList(),
          creating ? publicClient : null,
          firstParty,
          !creating && existing.publicClient() ? null : requirePkce,
          requireMfa,
          blankToNull(signingAlg),
          blankToNull(authMethod),
          jwks(jwks),
          seconds("access_token_lifetime_seconds", accessTokenLifetime),
          seconds("id_token_lifetime_seconds", idTokenLifetime),
          seconds("refresh_token_lifetime_seconds", refreshTokenLifetime));
    }

    private static boolean checked(Visit v, String field) {
      return "on".equals(v.field(field));
    }

    private static List<String> lines(String text) {
      return text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static @Nullable Map<String, Object> jwks(String text) {
      if (text.isBlank()) {
        return null;
      }
      try {
        return Json.MAPPER.readValue(text, new TypeReference<Map<String, Object>>() {});
      } catch (JsonProcessingException e) {
        throw new Failure.Invalid("jwks", "jwks must be a JSON object: a JWK Set with keys");
      }
    }

    private static @Nullable Integer seconds(String field, String text) {
      if (text.isEmpty()) {
        return null;
      }
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new Failure.Invalid(field, field + " must be a whole number of seconds");
      }
    }
  }

  private final Administration admin;
  private final Clients clients;

  ClientPages(Administration admin, Clients clients) {
    this.admin = admin;
    this.clients = clients;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get("/admin/clients", this::list, "GET /api/admin/clients"),
        ConsoleRoute.get(
            "/admin/clients/new", v -> newForm(v, 200, ClientForm.DEFAULTS, FieldErrors.NONE)),
        ConsoleRoute.post("/admin/clients", this::create, "POST /api/admin/clients"),
        ConsoleRoute.get(
            "/admin/clients/:client_id",
            v -> {
              Client client = clients.get(v.param("client_id"));
              detail(v, 200, client, ClientForm.of(client), FieldErrors.NONE, "");
            },
            "GET /api/admin/clients/{client_id}"),
        ConsoleRoute.post(
            "/admin/clients/:client_id", this::update, "PATCH /api/admin/clients/{client_id}"),
        ConsoleRoute.post(
            "/admin/clients/:client_id/secret",
            this::rotate,
            "POST /api/admin/clients/{client_id}/secret"),
        ConsoleRoute.post(
            "/admin/clients/:client_id/delete",
            this::delete,
            "DELETE /api/admin/clients/{client_id}"));
  }

  private void list(Visit visit) {
    int page = ConsolePages.page(visit);
    Listing<Client> found = clients.list(ConsolePages.PAGE, page * ConsolePages.PAGE);
    ConsolePages.render(
        visit,
        200,
        "/admin/clients",
        "clients",
        new ListView(found.items(), Pager.of("/admin/clients", "", page, found.total())));
  }

  private void newForm(Visit visit, int status, ClientForm form, FieldErrors errors) {
    ConsolePages.render(visit, status, "/admin/clients", "client_new", new NewView(form, errors));
  }

  private void create(Visit visit) {
    ClientForm form = ClientForm.read(visit);
    try {
      CreatedClient created = admin.createClient(visit.origin(), form.request(null));
      if (created.clientSecret() == null) {
        visit.redirect(self(created.client()), "created");
        return;
      }
      Client client = created.client();
      detail(visit, 200, client, ClientForm.of(client), FieldErrors.NONE, created.clientSecret());
    } catch (Failure.Invalid | Failure.Conflict e) {
      newForm(visit, 400, form, errorsAt(e));
    }
  }

  private void detail(
      Visit visit, int status, Client client, ClientForm form, FieldErrors errors, String secret) {
    ConsolePages.render(
        visit, status, "/admin/clients", "client", new DetailView(client, form, errors, secret));
  }

  private void update(Visit visit) {
    Client client = clients.get(visit.param("client_id"));
    ClientForm form = ClientForm.read(visit);
    try {
      Client updated = admin.updateClient(visit.origin(), client.clientId(), form.request(client));
      visit.redirect(self(updated), "saved");
    } catch (Failure.Invalid | Failure.Conflict e) {
      detail(visit, 400, client, form, errorsAt(e), "");
    }
  }

  private void rotate(Visit visit) {
    Client client = clients.get(visit.param("client_id"));
    try {
      CreatedClient rotated = admin.rotateSecret(visit.origin(), client.clientId());
      detail(
          visit,
          200,
          rotated.client(),
          ClientForm.of(rotated.client()),
          FieldErrors.NONE,
          Objects.requireNonNull(rotated.clientSecret(), "a rotated secret"));
    } catch (Failure.Invalid e) {
      // A public or private_key_jwt client has no secret: say so above the page.
      detail(
          visit,
          400,
          client,
          ClientForm.of(client),
          new FieldErrors(Map.of(), String.valueOf(e.getMessage())),
          "");
    }
  }

  private void delete(Visit visit) {
    admin.deleteClient(visit.origin(), clients.get(visit.param("client_id")).clientId());
    visit.redirect("/admin/clients", "deleted");
  }

  private static String self(Client client) {
    return "/admin/clients/" + client.clientId();
  }

  /**
   * The facade's refusal at the form's field: {@code redirect_uris[2]} is the redirect URI box, a
   * line of which is wrong.
   */
  private static FieldErrors errorsAt(Failure failure) {
    String field = failure.field();
    return field == null
        ? FieldErrors.of(failure)
        : new FieldErrors(
            Map.of(field.replaceFirst("\\[\\d+]$", ""), String.valueOf(failure.getMessage())), "");
  }

  private static @Nullable String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
