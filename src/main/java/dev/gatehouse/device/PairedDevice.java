package dev.gatehouse.device;

/** A device just paired, with its token: the only time the token is shown. */
public record PairedDevice(Device device, String token) {}
