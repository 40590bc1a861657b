package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditQuery;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.store.Listing;
import dev.gatehouse.token.Consent;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.NewUser;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.user.UserPatch;
import dev.gatehouse.user.Users;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Users: a searchable, paged list; creating one; and each user's page with their profile, password,
 * groups, sessions, paired devices, second factors, connected apps and recent audit events, each
 * change a form.
 */
public final class UserPages {
  /** The list page. */
  public record ListView(String query, List<Row> users, Pager pager) {}

  /** One user in the list. */
  public record Row(
      String id,
      String username,
      @Nullable String displayName,
      @Nullable String email,
      boolean disabled,
      List<String> groups) {
    static Row of(User u) {
      return new Row(u.id(), u.username(), u.displayName(), u.email(), u.disabled(), u.groups());
    }

    static Row of(Principal p) {
      return new Row(
          p.id(),
          p.username(),
          p.displayName(),
          p.email(),
          p.disabled(),
          p.groups().stream().sorted().toList());
    }
  }

  /** The "new user" form, with what was typed when it was refused. */
  public record NewView(Map<String, String> values, FieldErrors errors) {}

  /** One session of the user. */
  public record SessionRow(
      String id, String userAgent, String ip, String lastSeen, boolean twoFactor) {}

  /** One paired device of the user. */
  public record DeviceRow(String id, String name, String createdAt, String lastSeen) {}

  /** The user's page; {@code form} names the form {@code errors} belong to. */
  public record DetailView(
      User user,
      List<SessionRow> sessions,
      List<DeviceRow> devices,
      Factors.Summary factors,
      List<Consent> consents,
      List<AuditRow> events,
      String form,
      Map<String, String> values,
      FieldErrors errors) {

    /** What a field of {@code form} shows: what was typed when refused, else {@code current}. */
    public String value(String field, @Nullable String current) {
      return values.getOrDefault(field, Objects.requireNonNullElse(current, ""));
    }

    public FieldErrors errorsOf(String name) {
      return name.equals(form) ? errors : FieldErrors.NONE;
    }

    public String when(java.time.@Nullable Instant at) {
      return ConsolePages.when(at);
    }
  }

  private final Administration admin;
  private final Users users;
  private final Sessions sessions;
  private final Devices devices;
  private final Factors factors;
  private final Grants grants;
  private final Audit audit;
  private final UserDirectory directory;

  UserPages(
      Administration admin,
      Users users,
      Sessions sessions,
      Devices devices,
      Factors factors,
      Grants grants,
      Audit audit,
      UserDirectory directory) {
    this.directory = directory;
    this.grants = grants;
    this.admin = admin;
    this.users = users;
    this.sessions = sessions;
    this.devices = devices;
    this.factors = factors;
    this.audit = audit;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get("/admin/users", this::list, "GET /api/admin/users"),
        ConsoleRoute.get("/admin/users/new", v -> newForm(v, 200, Map.of(), FieldErrors.NONE)),
        ConsoleRoute.post("/admin/users", this::create, "POST /api/admin/users"),
        ConsoleRoute.get(
            "/admin/users/:id",
            v -> detail(v, 200, "", Map.of(), FieldErrors.NONE),
            "GET /api/admin/users/{id}",
            "GET /api/admin/users/{id}/factors"),
        ConsoleRoute.post("/admin/users/:id", this::update, "PATCH /api/admin/users/{id}"),
        ConsoleRoute.post("/admin/users/:id/password", this::setPassword),
        ConsoleRoute.post("/admin/users/:id/delete", this::delete, "DELETE /api/admin/users/{id}"),
        ConsoleRoute.post(
            "/admin/users/:id/sessions/end",
            this::endSessions,
            "DELETE /api/admin/users/{id}/sessions"),
        ConsoleRoute.post("/admin/users/:id/sessions/:session/end", this::endSession),
        ConsoleRoute.post(
            "/admin/users/:id/devices/:device/revoke",
            this::revokeDevice,
            "DELETE /api/admin/devices/{id}"),
        ConsoleRoute.post(
            "/admin/users/:id/factors/reset",
            this::resetFactors,
            "DELETE /api/admin/users/{id}/factors"),
        ConsoleRoute.post(
            "/admin/users/:id/factors/:factor/remove",
            this::removeFactor,
            "DELETE /api/admin/users/{id}/factors/{factor}"),
        ConsoleRoute.post("/admin/users/:id/apps/:client/revoke", this::revokeConsent),
        ConsoleRoute.post(
            "/admin/users/:id/groups", this::join, "POST /api/admin/groups/{name}/members"),
        ConsoleRoute.post(
            "/admin/users/:id/groups/:group/remove",
            this::leave,
            "DELETE /api/admin/groups/{name}/members/{username}"));
  }

  private void list(Visit visit) {
    String query = visit.query("q");
    int page = ConsolePages.page(visit);
    int offset = page * ConsolePages.PAGE;
    // The whole list pages through the username index; a search runs over memory, where every
    // user already is (a substring search would read every row of the table).
    Listing<Row> found;
    if (query.isEmpty()) {
      Listing<User> listed = users.list(ConsolePages.PAGE, offset);
      found = new Listing<>(listed.items().stream().map(Row::of).toList(), listed.total());
    } else {
      Listing<Principal> matched = directory.search(query, ConsolePages.PAGE, offset);
      found = new Listing<>(matched.items().stream().map(Row::of).toList(), matched.total());
    }
    ConsolePages.render(
        visit,
        200,
        "/admin/users",
        "users",
        new ListView(query, found.items(), Pager.of("/admin/users", query, page, found.total())));
  }

  private void newForm(Visit visit, int status, Map<String, String> values, FieldErrors errors) {
    ConsolePages.render(visit, status, "/admin/users", "user_new", new NewView(values, errors));
  }

  private void create(Visit visit) {
    String password = visit.form().get("password");
    try {
      User user =
          admin.createUser(
              visit.origin(),
              new NewUser(
                  visit.field("username"),
                  blankToNull(visit.field("email")),
                  blankToNull(visit.field("display_name")),
                  password.isEmpty() ? null : password,
                  groupNames(visit.field("groups"))));
      visit.redirect("/admin/users/" + user.id(), "created");
    } catch (Failure.Invalid | Failure.Conflict e) {
      newForm(
          visit,
          400,
          typed(visit, "username", "email", "display_name", "groups"),
          FieldErrors.of(e));
    }
  }

  private void detail(
      Visit visit, int status, String form, Map<String, String> values, FieldErrors errors) {
    User user = users.get(visit.param("id"));
    List<SessionRow> sessionRows =
        sessions.of(user.id()).stream()
            .map(
                s ->
                    new SessionRow(
                        s.id(),
                        Objects.requireNonNullElse(s.userAgent(), "unknown browser"),
                        Objects.requireNonNullElse(s.ip(), "unknown address"),
                        ConsolePages.when(s.lastSeen()),
                        s.multiFactor()))
            .toList();
    List<DeviceRow> deviceRows =
        devices.of(user.id()).stream()
            .map(
                d ->
                    new DeviceRow(
                        d.id(),
                        d.name(),
                        ConsolePages.when(d.createdAt()),
                        ConsolePages.when(d.lastSeen())))
            .toList();
    List<AuditRow> events =
        audit
            .query(new AuditQuery(null, null, user.id(), user.id(), Set.of(), null, null, 10))
            .events()
            .stream()
            .map(AuditRow::of)
            .toList();
    ConsolePages.render(
        visit,
        status,
        "/admin/users",
        "user",
        new DetailView(
            user,
            sessionRows,
            deviceRows,
            factors.of(user.id()),
            grants.consents(user.id()),
            events,
            form,
            values,
            errors));
  }

  /** Profile: email and display name (blank clears them), and whether the user is disabled. */
  private void update(Visit visit) {
    String email = visit.field("email");
    String displayName = visit.field("display_name");
    Set<String> nulls = new HashSet<>();
    if (email.isEmpty()) {
      nulls.add("email");
    }
    if (displayName.isEmpty()) {
      nulls.add("display_name");
    }
    change(
        visit,
        "profile",
        "saved",
        () ->
            admin.updateUser(
                visit.origin(),
                visit.param("id"),
                new UserPatch(
                    blankToNull(email),
                    blankToNull(displayName),
                    null,
                    "on".equals(visit.field("disabled"))),
                nulls),
        "email",
        "display_name");
  }

  private void setPassword(Visit visit) {
    String password = visit.form().get("password");
    change(
        visit,
        "password",
        "password",
        () ->
            admin.updateUser(
                visit.origin(),
                visit.param("id"),
                new UserPatch(null, null, password, null),
                Set.of()));
  }

  private void delete(Visit visit) {
    User user = users.get(visit.param("id"));
    if (!user.username().equals(visit.field("confirm"))) {
      detail(
          visit,
          400,
          "delete",
          Map.of(),
          new FieldErrors(Map.of("confirm", "type " + user.username() + " to confirm"), ""));
      return;
    }
    admin.deleteUser(visit.origin(), user.id());
    visit.redirect("/admin/users", "deleted");
  }

  private void endSessions(Visit visit) {
    admin.endSessions(visit.origin(), visit.param("id"));
    visit.redirect(self(visit) + "#sessions", "ended");
  }

  private void endSession(Visit visit) {
    admin.endSession(visit.origin(), visit.param("id"), visit.param("session"));
    visit.redirect(self(visit) + "#sessions", "revoked");
  }

  private void revokeDevice(Visit visit) {
    String userId = users.get(visit.param("id")).id();
    String device = visit.param("device");
    if (devices.of(userId).stream().noneMatch(d -> d.id().equals(device))) {
      throw new Failure.NotFound("no such device of this user");
    }
    admin.revokeDevice(visit.origin(), device);
    visit.redirect(self(visit) + "#devices", "revoked");
  }

  private void revokeConsent(Visit visit) {
    admin.revokeConsent(visit.origin(), visit.param("id"), visit.param("client"));
    visit.redirect(self(visit) + "#apps", "revoked");
  }

  private void resetFactors(Visit visit) {
    admin.resetFactors(visit.origin(), visit.param("id"));
    visit.redirect(self(visit) + "#factors", "removed");
  }

  private void removeFactor(Visit visit) {
    admin.removeFactor(visit.origin(), visit.param("id"), visit.param("factor"));
    visit.redirect(self(visit) + "#factors", "removed");
  }

  private void join(Visit visit) {
    User user = users.get(visit.param("id"));
    change(
        visit,
        "groups",
        "added",
        () -> admin.addMember(visit.origin(), visit.field("group"), user.username()),
        "group");
  }

  private void leave(Visit visit) {
    User user = users.get(visit.param("id"));
    admin.removeMember(visit.origin(), visit.param("group"), user.username());
    visit.redirect(self(visit) + "#groups", "removed");
  }

  /**
   * Runs one change of the user's page: back to the page with a notice, or, when the facade refuses
   * it, the page again with the errors at {@code form}'s fields and what was typed in {@code
   * shown}.
   */
  private void change(Visit visit, String form, String notice, Runnable action, String... shown) {
    try {
      action.run();
      visit.redirect(self(visit) + "#" + form, notice);
    } catch (Failure.Invalid | Failure.Conflict e) {
      detail(visit, 400, form, typed(visit, shown), FieldErrors.of(e));
    }
  }

  private static String self(Visit visit) {
    return "/admin/users/" + URLEncoder.encode(visit.param("id"), StandardCharsets.UTF_8);
  }

  private static Map<String, String> typed(Visit visit, String... fields) {
    Map<String, String> values = new java.util.HashMap<>();
    for (String field : fields) {
      values.put(field, visit.field(field));
    }
    return values;
  }

  private static @Nullable String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  /** "staff, family" as a list of names; empty entries dropped. */
  private static List<String> groupNames(String typed) {
    return Arrays.stream(typed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
