package dev.gatehouse.audit;

import java.time.Instant;

/** A recorded event: its place in the log ({@code id}, only ever growing) and when it happened. */
public record AuditEvent(long id, Instant time, AuditEntry entry) {}
