package dev.gatehouse.signing;

import dev.gatehouse.event.DomainEvent;
import java.util.List;
import java.util.Set;

/** Signing keys were generated (first start) or rotated; carries them, so memory needs no read. */
public record SigningEvent(List<HeldKey> added, Set<String> removed) implements DomainEvent {}
