package dev.gatehouse.device;

import java.time.Instant;

/** A one-time code a device redeems for its token; shown to the user, stored only as a digest. */
public record PairingCode(String code, String name, Instant expiresAt) {}
