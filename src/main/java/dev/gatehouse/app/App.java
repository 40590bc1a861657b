package dev.gatehouse.app;

import java.time.Instant;
import java.util.List;

/** An upstream application protected by Gatehouse: its hostnames and ordered access rules. */
public record App(
    String id,
    String name,
    List<String> hosts,
    List<Rule> rules,
    Instant createdAt,
    Instant updatedAt) {}
