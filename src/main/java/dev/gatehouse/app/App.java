package dev.gatehouse.app;

import java.time.Instant;
import java.util.List;

/** An upstream application protected by Gatehouse, reached under one or more hostnames. */
public record App(
    String id, String name, List<String> hosts, Instant createdAt, Instant updatedAt) {}
