package dev.gatehouse.device;

import dev.gatehouse.event.DomainEvent;

/** What changed about paired devices. */
public sealed interface DeviceEvent extends DomainEvent {

  /** A device redeemed a pairing code. */
  record Paired(Device device, String tokenDigest) implements DeviceEvent {}

  /** A device was revoked by its user or an admin. */
  record Revoked(String deviceId) implements DeviceEvent {}
}
