package dev.gatehouse.admin.console;

import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.Apps;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.audit.AuditQuery;
import dev.gatehouse.client.Clients;
import dev.gatehouse.device.Devices;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.Users;
import java.util.List;
import java.util.Set;

/** {@code /admin}: how many of each there are, and what happened last. */
public final class Overview {
  /** What the overview shows. */
  public record View(
      long users,
      long groups,
      long apps,
      long clients,
      long apiKeys,
      long devices,
      List<AuditRow> recent) {}

  private final Users users;
  private final Groups groups;
  private final Apps apps;
  private final Clients clients;
  private final ApiKeys apiKeys;
  private final Devices devices;
  private final Audit audit;

  Overview(
      Users users,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      Audit audit) {
    this.users = users;
    this.groups = groups;
    this.apps = apps;
    this.clients = clients;
    this.apiKeys = apiKeys;
    this.devices = devices;
    this.audit = audit;
  }

  List<ConsoleRoute> routes() {
    return List.of(ConsoleRoute.get("/admin", this::show));
  }

  private void show(Visit visit) {
    View view =
        new View(
            users.list(1, 0).total(),
            groups.summaries("", 1, 0).total(),
            apps.list(1, 0).total(),
            clients.list(1, 0).total(),
            apiKeys.list(1, 0).total(),
            devices.all().size(),
            audit
                .query(new AuditQuery(null, null, null, null, Set.of(), null, null, 10))
                .events()
                .stream()
                .map(AuditRow::of)
                .toList());
    ConsolePages.render(visit, 200, "/admin", "overview", view);
  }
}
