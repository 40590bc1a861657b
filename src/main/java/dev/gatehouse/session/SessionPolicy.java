package dev.gatehouse.session;

import java.time.Duration;

/**
 * How long sessions last: {@code idle} without any request, {@code lifetime} at most; activity is
 * persisted every {@code flushEvery}.
 */
public record SessionPolicy(Duration idle, Duration lifetime, Duration flushEvery) {}
