package dev.gatehouse.store;

/**
 * The two classes of data, each with its own durability ({@code [storage] log_sync} and {@code
 * ephemeral_log_sync}).
 */
public enum DataClass {
  /** Users, groups, apps, clients, keys, refresh tokens, devices: always {@code log_sync}. */
  IDENTITY,
  /** Sessions and their activity, auth/device/pairing codes, throttle counters. */
  EPHEMERAL
}
