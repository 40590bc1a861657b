package dev.gatehouse.device;

import dev.gatehouse.event.Announcement;
import dev.gatehouse.event.DomainEvent;
import java.util.List;

/** What changed about paired devices. */
public sealed interface DeviceEvent extends DomainEvent {
  /** The topic of a device's row, keyed by device id. */
  String TOPIC = "device";

  @Override
  default List<Announcement> announcements() {
    return List.of(
        new Announcement(
            TOPIC,
            switch (this) {
              case Paired paired -> paired.device().id();
              case Revoked revoked -> revoked.deviceId();
            }));
  }

  /** A device redeemed a pairing code. */
  record Paired(Device device, String tokenDigest) implements DeviceEvent {}

  /** A device was revoked by its user or an admin. */
  record Revoked(String deviceId) implements DeviceEvent {}
}
