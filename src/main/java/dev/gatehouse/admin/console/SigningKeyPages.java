package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.signing.SigningKey;
import dev.gatehouse.signing.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Signing keys at {@code /admin/keys}: every key still held, and rotating them all, the new keys
 * published at once and signing after a grace period so that relying parties fetch them first.
 */
public final class SigningKeyPages {
  /** The page, with the rotate form's typed grace and why it was refused. */
  public record View(List<SigningKey> keys, String grace, FieldErrors errors, long maxGrace) {
    public String when(@Nullable Instant at) {
      return ConsolePages.when(at);
    }
  }

  private final Administration admin;
  private final SigningKeys signingKeys;

  SigningKeyPages(Administration admin, SigningKeys signingKeys) {
    this.admin = admin;
    this.signingKeys = signingKeys;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get(
            "/admin/keys", v -> show(v, 200, "", FieldErrors.NONE), "GET /api/admin/keys"),
        ConsoleRoute.post("/admin/keys/rotate", this::rotate, "POST /api/admin/keys/rotate"));
  }

  private void show(Visit visit, int status, String grace, FieldErrors errors) {
    ConsolePages.render(
        visit,
        status,
        "/admin/keys",
        "keys",
        new View(signingKeys.list(), grace, errors, Administration.MAX_GRACE.toSeconds()));
  }

  /** Blank grace: the configured default. */
  private void rotate(Visit visit) {
    String grace = visit.field("grace_seconds");
    try {
      admin.rotateKeys(visit.origin(), grace.isEmpty() ? null : Duration.ofSeconds(seconds(grace)));
      visit.redirect("/admin/keys", "rotated");
    } catch (Failure.Invalid e) {
      show(visit, 400, grace, FieldErrors.of(e));
    }
  }

  private static long seconds(String typed) {
    try {
      return Long.parseLong(typed);
    } catch (NumberFormatException e) {
      throw new Failure.Invalid("grace_seconds", "grace_seconds must be a whole number of seconds");
    }
  }
}
