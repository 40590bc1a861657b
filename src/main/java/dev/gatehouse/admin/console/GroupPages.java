package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.Principal;
import dev.gatehouse.user.UserDirectory;
import java.util.List;
import java.util.Map;

/**
 * Groups: a searchable, paged list with member counts and a form to create one; each group's page
 * with its members a page at a time (a group may hold every user), adding and removing members,
 * whether members need a second factor, and deleting it.
 */
public final class GroupPages {
  /** The list page, with the "new group" form and what was typed when it was refused. */
  public record ListView(
      String query,
      List<Groups.Summary> groups,
      Pager pager,
      Map<String, String> values,
      FieldErrors errors) {}

  /** A group's page; {@code form} names the form {@code errors} belong to. */
  public record DetailView(
      Groups.Summary group,
      List<String> members,
      Pager pager,
      String form,
      Map<String, String> values,
      FieldErrors errors) {

    public FieldErrors errorsOf(String name) {
      return name.equals(form) ? errors : FieldErrors.NONE;
    }
  }

  /** Members past which a group's pages come from memory rather than the database. */
  private static final long LARGE_GROUP = 2_000;

  private final Administration admin;
  private final Groups groups;
  private final UserDirectory directory;

  GroupPages(Administration admin, Groups groups, UserDirectory directory) {
    this.directory = directory;
    this.admin = admin;
    this.groups = groups;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get(
            "/admin/groups",
            v -> list(v, 200, Map.of(), FieldErrors.NONE),
            "GET /api/admin/groups"),
        ConsoleRoute.post("/admin/groups", this::create, "POST /api/admin/groups"),
        ConsoleRoute.get(
            "/admin/groups/:name",
            v -> detail(v, 200, "", Map.of(), FieldErrors.NONE),
            "GET /api/admin/groups/{name}"),
        ConsoleRoute.post(
            "/admin/groups/:name/mfa", this::requireMfa, "PATCH /api/admin/groups/{name}"),
        ConsoleRoute.post(
            "/admin/groups/:name/delete", this::delete, "DELETE /api/admin/groups/{name}"),
        ConsoleRoute.post(
            "/admin/groups/:name/members",
            this::addMember,
            "POST /api/admin/groups/{name}/members"),
        ConsoleRoute.post(
            "/admin/groups/:name/members/:username/remove",
            this::removeMember,
            "DELETE /api/admin/groups/{name}/members/{username}"));
  }

  private void list(Visit visit, int status, Map<String, String> values, FieldErrors errors) {
    String query = visit.query("q");
    int page = ConsolePages.page(visit);
    Listing<Groups.Summary> found =
        groups.summaries(query, ConsolePages.PAGE, page * ConsolePages.PAGE);
    ConsolePages.render(
        visit,
        status,
        "/admin/groups",
        "groups",
        new ListView(
            query,
            found.items(),
            Pager.of("/admin/groups", query, page, found.total()),
            values,
            errors));
  }

  private void create(Visit visit) {
    String name = visit.field("name");
    try {
      admin.createGroup(visit.origin(), name, "on".equals(visit.field("require_mfa")));
      visit.redirect("/admin/groups/" + name, "created");
    } catch (Failure.Invalid | Failure.Conflict e) {
      list(visit, 400, Map.of("name", name), FieldErrors.of(e));
    }
  }

  private void detail(
      Visit visit, int status, String form, Map<String, String> values, FieldErrors errors) {
    Groups.Summary group = groups.summary(visit.param("name"));
    int page = ConsolePages.page(visit);
    int offset = page * ConsolePages.PAGE;
    // A small group sorts its members in the database; past a few thousand a pass over memory
    // with a bounded heap is cheaper than sorting them all (bench/console: 100k members).
    List<String> members =
        group.members() <= LARGE_GROUP
            ? groups.memberPage(group.name(), ConsolePages.PAGE, offset)
            : directory.members(group.name(), ConsolePages.PAGE, offset).items().stream()
                .map(Principal::username)
                .toList();
    ConsolePages.render(
        visit,
        status,
        "/admin/groups",
        "group",
        new DetailView(
            group,
            members,
            Pager.of(self(group.name()), "", page, group.members()),
            form,
            values,
            errors));
  }

  private void requireMfa(Visit visit) {
    String name = groups.summary(visit.param("name")).name();
    admin.requireMfa(visit.origin(), name, "on".equals(visit.field("require_mfa")));
    visit.redirect(self(name), "saved");
  }

  private void delete(Visit visit) {
    String name = groups.summary(visit.param("name")).name();
    admin.deleteGroup(visit.origin(), name);
    visit.redirect("/admin/groups", "deleted");
  }

  private void addMember(Visit visit) {
    String name = groups.summary(visit.param("name")).name();
    String username = visit.field("username");
    try {
      if (username.isEmpty()) {
        throw new Failure.Invalid("username", "username is required");
      }
      admin.addMember(visit.origin(), name, username);
      visit.redirect(self(name) + "#members", "added");
    } catch (Failure.Invalid | Failure.Conflict e) {
      detail(visit, 400, "members", Map.of("username", username), FieldErrors.of(e));
    } catch (Failure.NotFound e) {
      // The group exists (checked above): it is the user that does not.
      detail(
          visit,
          400,
          "members",
          Map.of("username", username),
          new FieldErrors(Map.of("username", String.valueOf(e.getMessage())), ""));
    }
  }

  private void removeMember(Visit visit) {
    String name = groups.summary(visit.param("name")).name();
    admin.removeMember(visit.origin(), name, visit.param("username"));
    visit.redirect(self(name) + "#members", "removed");
  }

  private static String self(String name) {
    return "/admin/groups/" + name;
  }
}
