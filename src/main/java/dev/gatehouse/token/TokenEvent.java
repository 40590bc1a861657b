package dev.gatehouse.token;

import dev.gatehouse.event.DomainEvent;
import java.util.Map;

/** Grants or tokens were revoked: ids (grant ids or token ids) and when each may be forgotten. */
public record TokenEvent(Map<String, Long> revoked) implements DomainEvent {}
