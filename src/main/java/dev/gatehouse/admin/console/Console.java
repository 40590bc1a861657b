package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.apikey.ApiKeys;
import dev.gatehouse.app.Apps;
import dev.gatehouse.audit.Audit;
import dev.gatehouse.client.Clients;
import dev.gatehouse.device.Devices;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.net.Cidr;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.session.SignedInUsers;
import dev.gatehouse.signing.SigningKeys;
import dev.gatehouse.token.Grants;
import dev.gatehouse.user.Groups;
import dev.gatehouse.user.UserDirectory;
import dev.gatehouse.user.Users;
import dev.gatehouse.web.ClientIps;
import dev.gatehouse.web.Csrf;
import dev.gatehouse.web.Routing;
import dev.gatehouse.web.StaticFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin console: its sections' routes in one table ({@link #routes()}, so that a test can hold
 * it against the admin API's), each behind {@link ConsoleGuard}, on virtual threads (pages read the
 * database; changes go through the writer).
 */
public final class Console {
  /** The console's one script: it only enhances pages that work without it. */
  public static final StaticFile SCRIPT =
      StaticFile.of(
          "/static/console.js",
          "/dev/gatehouse/admin/console.js",
          "text/javascript; charset=utf-8");

  private final ConsoleGuard guard;
  private final List<ConsoleRoute> routes;

  public Console(
      Administration admin,
      Users users,
      UserDirectory directory,
      Groups groups,
      Apps apps,
      Clients clients,
      ApiKeys apiKeys,
      Devices devices,
      Factors factors,
      Sessions sessions,
      SigningKeys signingKeys,
      Grants grants,
      Audit audit,
      SignedInUsers signedInUsers,
      Csrf csrf,
      ClientIps clientIps,
      RequestTrials trials,
      boolean requireMfa,
      List<Cidr> networks) {
    this.guard = new ConsoleGuard(signedInUsers, factors, csrf, clientIps, requireMfa, networks);
    List<ConsoleRoute> all = new ArrayList<>();
    all.addAll(new Overview(users, groups, apps, clients, apiKeys, devices, audit).routes());
    all.addAll(
        new UserPages(admin, users, sessions, devices, factors, grants, audit, directory).routes());
    all.addAll(new GroupPages(admin, groups, directory).routes());
    all.addAll(new AppPages(admin, apps, trials).routes());
    all.addAll(new ClientPages(admin, clients).routes());
    all.addAll(new ApiKeyPages(admin, apiKeys).routes());
    all.addAll(new DevicePages(admin, devices, users).routes());
    all.addAll(new SigningKeyPages(admin, signingKeys).routes());
    all.addAll(new AuditPages(audit, users).routes());
    this.routes = List.copyOf(all);
  }

  /** Every route of the console. */
  public List<ConsoleRoute> routes() {
    return routes;
  }

  public void register(Routing routing) {
    SCRIPT.register(routing);
    Routing pages = routing.pages();
    for (ConsoleRoute route : routes) {
      pages.blocking(
          route.method(),
          route.path(),
          ctx -> {
            Visit visit = guard.admit(ctx);
            if (visit != null) {
              route.action().handle(visit);
            }
          });
    }
    // Unknown console paths tell nothing to someone who may not use the console.
    pages.any(
        "/admin/*",
        ctx -> {
          if (guard.admit(ctx) != null) {
            throw new Failure.NotFound("no such page in the console");
          }
        });
  }
}
