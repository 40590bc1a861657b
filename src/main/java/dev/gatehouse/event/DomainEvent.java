package dev.gatehouse.event;

/** Something that changed in committed state; in-memory views update themselves from these. */
public interface DomainEvent {}
