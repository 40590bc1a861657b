package dev.gatehouse.token;

import dev.gatehouse.event.DomainEvent;

/**
 * Every access token issued to {@code userId} at or before {@code issuedBefore} (epoch millis) is
 * revoked; {@code until} is when the last of them has expired and the cut-off may be forgotten.
 */
public record UserTokensRevoked(String userId, long issuedBefore, long until)
    implements DomainEvent {}
