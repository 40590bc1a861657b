package dev.gatehouse.admin.console;

import dev.gatehouse.audit.Actor;
import dev.gatehouse.audit.AuditEntry;
import dev.gatehouse.audit.AuditEvent;
import java.util.Objects;

/** One audit event as the console's tables show it. */
public record AuditRow(
    String time,
    String kind,
    String actor,
    String subject,
    String object,
    String ip,
    String reason) {

  static AuditRow of(AuditEvent event) {
    AuditEntry e = event.entry();
    return new AuditRow(
        ConsolePages.when(event.time()),
        e.kind().wire(),
        actor(e.actor()),
        Objects.requireNonNullElse(
            e.subjectUsername(), Objects.requireNonNullElse(e.subjectUserId(), "")),
        e.objectType() == null
            ? ""
            : e.objectType() + (e.objectId() == null ? "" : " " + e.objectId()),
        Objects.requireNonNullElse(e.ip(), ""),
        Objects.requireNonNullElse(e.reason(), ""));
  }

  private static String actor(Actor actor) {
    String who = actor.name() != null ? actor.name() : actor.id();
    return who == null ? actor.kind().wire() : actor.kind().wire() + " " + who;
  }
}
