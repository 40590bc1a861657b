package dev.gatehouse.audit;

import dev.gatehouse.event.DomainEvent;

/** Published once the event's batch has committed: what the stdout line is printed from. */
record AuditRecorded(AuditEvent event) implements DomainEvent {}
