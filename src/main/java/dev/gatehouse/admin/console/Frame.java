package dev.gatehouse.admin.console;

import java.util.List;
import java.util.Map;

/**
 * What every console page shows around its content: the sections, who is signed in, the CSRF token
 * for the sign-out form, and a notice after a change.
 *
 * @param section the current section, for {@code aria-current}
 * @param notice what the last change did, or empty
 */
public record Frame(String username, String csrf, String section, String notice) {
  /** One section of the header. */
  public record Section(String path, String label) {}

  /** The sections in the header, in order. */
  public static final List<Section> SECTIONS =
      List.of(
          new Section("/admin", "Overview"),
          new Section("/admin/users", "Users"),
          new Section("/admin/groups", "Groups"),
          new Section("/admin/apps", "Apps"),
          new Section("/admin/clients", "OIDC clients"),
          new Section("/admin/api-keys", "API keys"),
          new Section("/admin/devices", "Devices"),
          new Section("/admin/keys", "Signing keys"),
          new Section("/admin/audit", "Audit log"));

  /**
   * The notices a redirect may ask for by code ({@code ?done=created}): fixed texts, so that a link
   * cannot make the console say something else.
   */
  private static final Map<String, String> NOTICES =
      Map.ofEntries(
          Map.entry("created", "Created."),
          Map.entry("saved", "Saved."),
          Map.entry("deleted", "Deleted."),
          Map.entry("added", "Added."),
          Map.entry("removed", "Removed."),
          Map.entry("revoked", "Revoked."),
          Map.entry("ended", "Signed out everywhere."),
          Map.entry("password", "Password set. Their other sessions and devices ended."),
          Map.entry("rotated", "Rotated."));

  static Frame of(Visit visit, String section) {
    return new Frame(
        visit.admin().principal().username(),
        visit.csrf(),
        section,
        NOTICES.getOrDefault(visit.query("done"), ""));
  }

  /** Whether {@code path} is the current section. */
  public boolean current(String path) {
    return path.equals(section);
  }
}
