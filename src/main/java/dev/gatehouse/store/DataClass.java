package dev.gatehouse.store;

/**
 * The classes of data, each with its own durability ({@code [storage] log_sync}, {@code
 * ephemeral_log_sync} and {@code audit_log_sync}). A batch holding several is synced as the
 * strictest of them asks.
 */
public enum DataClass {
  /** Users, groups, apps, clients, keys, refresh tokens, devices: always {@code log_sync}. */
  IDENTITY,
  /** Sessions and their activity, auth/device/pairing codes, throttle counters. */
  EPHEMERAL,
  /** The audit log's security events: recorded without the caller waiting. */
  AUDIT
}
