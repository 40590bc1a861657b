package dev.gatehouse.login;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the account page shows. */
public record AccountView(
    String username,
    String displayName,
    String groups,
    String csrf,
    List<SessionRow> sessions,
    List<DeviceRow> devices,
    @Nullable String pairingCode,
    @Nullable String pairingName,
    @Nullable String pairingLink,
    String passwordError) {

  /** One session line. */
  public record SessionRow(
      String id, String userAgent, String ip, String lastSeen, boolean current) {}

  /** One device line. */
  public record DeviceRow(String id, String name, String createdAt, String lastSeen) {}
}
