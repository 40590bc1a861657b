package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.apikey.ApiKey;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.apikey.CreatedApiKey;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * API keys: a paged list with a form to create one, each key's page, and deleting it (the facade
 * keeps the last admin key). A new key's secret is only in the answer to the post that made it:
 * that page is rendered directly, never redirected to.
 */
public final class ApiKeyPages {
  /** The roles a key may have, for the form's select. */
  public static final List<String> ROLES =
      Arrays.stream(ApiKey.Role.values()).map(ApiKey.Role::name).toList();

  /**
   * The list page: the keys, the "new key" form with what was typed when it was refused, and a new
   * key's secret right after it was made (empty otherwise).
   */
  public record ListView(
      List<ApiKey> keys,
      Pager pager,
      Map<String, String> values,
      FieldErrors errors,
      @Nullable ApiKey created,
      String secret) {

    public String when(@Nullable Instant at) {
      return ConsolePages.when(at);
    }
  }

  /** One key's page, with why deleting it was refused. */
  public record DetailView(ApiKey key, FieldErrors errors) {
    public String when(@Nullable Instant at) {
      return ConsolePages.when(at);
    }
  }

  private final Administration admin;
  private final ApiKeys apiKeys;

  ApiKeyPages(Administration admin, ApiKeys apiKeys) {
    this.admin = admin;
    this.apiKeys = apiKeys;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get(
            "/admin/api-keys",
            v -> list(v, 200, Map.of(), FieldErrors.NONE, null),
            "GET /api/admin/api-keys"),
        ConsoleRoute.post("/admin/api-keys", this::create, "POST /api/admin/api-keys"),
        ConsoleRoute.get(
            "/admin/api-keys/:id",
            v -> detail(v, 200, FieldErrors.NONE),
            "GET /api/admin/api-keys/{id}"),
        ConsoleRoute.post(
            "/admin/api-keys/:id/delete", this::delete, "DELETE /api/admin/api-keys/{id}"));
  }

  private void list(
      Visit visit,
      int status,
      Map<String, String> values,
      FieldErrors errors,
      @Nullable CreatedApiKey created) {
    int page = ConsolePages.page(visit);
    Listing<ApiKey> found = apiKeys.list(ConsolePages.PAGE, page * ConsolePages.PAGE);
    ConsolePages.render(
        visit,
        status,
        "/admin/api-keys",
        "api_keys",
        new ListView(
            found.items(),
            Pager.of("/admin/api-keys", "", page, found.total()),
            values,
            errors,
            created == null ? null : created.key(),
            created == null ? "" : created.secret()));
  }

  private void create(Visit visit) {
    Map<String, String> typed =
        Map.of(
            "name", visit.field("name"),
            "role", visit.field("role"),
            "expires_at", visit.field("expires_at"));
    try {
      CreatedApiKey created =
          admin.createApiKey(
              visit.origin(),
              visit.field("name"),
              visit.field("role").isEmpty() ? null : visit.field("role"),
              expiry(visit.field("expires_at")));
      list(visit, 200, Map.of(), FieldErrors.NONE, created);
    } catch (Failure.Invalid | Failure.Conflict e) {
      list(visit, 400, typed, FieldErrors.of(e), null);
    }
  }

  private void detail(Visit visit, int status, FieldErrors errors) {
    ConsolePages.render(
        visit,
        status,
        "/admin/api-keys",
        "api_key",
        new DetailView(apiKeys.get(visit.param("id")), errors));
  }

  private void delete(Visit visit) {
    try {
      admin.deleteApiKey(visit.origin(), apiKeys.get(visit.param("id")).id());
      visit.redirect("/admin/api-keys", "deleted");
    } catch (Failure.Conflict e) {
      detail(visit, 400, new FieldErrors(Map.of(), String.valueOf(e.getMessage())));
    }
  }

  /** A date from the form's date input: the key stops working as that day starts, in UTC. */
  private static @Nullable Instant expiry(String date) {
    if (date.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(date).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new Failure.Invalid("expires_at", "expires_at must be a date such as 2027-01-31");
    }
  }
}
