package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.device.Device;
import dev.gatehouse.device.Devices;
import dev.gatehouse.store.Listing;
import dev.gatehouse.user.User;
import dev.gatehouse.user.Users;
import java.util.List;

/** Every paired device, a page at a time, each revocable. */
public final class DevicePages {
  /** One paired device and whose it is. */
  public record DeviceRow(
      String id,
      String userId,
      String username,
      String name,
      String paired,
      String lastSeen,
      boolean twoFactor) {}

  /** The list page. */
  public record ListView(List<DeviceRow> devices, Pager pager) {}

  private final Administration admin;
  private final Devices devices;
  private final Users users;

  DevicePages(Administration admin, Devices devices, Users users) {
    this.admin = admin;
    this.devices = devices;
    this.users = users;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get("/admin/devices", this::list, "GET /api/admin/devices"),
        ConsoleRoute.post(
            "/admin/devices/:id/revoke", this::revoke, "DELETE /api/admin/devices/{id}"));
  }

  private void list(Visit visit) {
    int page = ConsolePages.page(visit);
    Listing<Device> found = Listing.of(devices.all(), ConsolePages.PAGE, page * ConsolePages.PAGE);
    ConsolePages.render(
        visit,
        200,
        "/admin/devices",
        "devices",
        new ListView(
            found.items().stream().map(this::row).toList(),
            Pager.of("/admin/devices", "", page, found.total())));
  }

  private DeviceRow row(Device d) {
    return new DeviceRow(
        d.id(),
        d.userId(),
        users.find(d.userId()).map(User::username).orElse(d.userId()),
        d.name(),
        ConsolePages.when(d.createdAt()),
        ConsolePages.when(d.lastSeen()),
        d.twoFactor());
  }

  private void revoke(Visit visit) {
    admin.revokeDevice(visit.origin(), visit.param("id"));
    visit.redirect("/admin/devices", "revoked");
  }
}
