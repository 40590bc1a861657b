package dev.gatehouse.signing;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A signing key as the admin API shows it: never its private part.
 *
 * @param signsFrom when it starts signing; until then it is only published
 * @param publishedUntil when it leaves the JWKS: the last token it signed has expired by then; null
 *     while no newer key has taken over
 * @param state {@code next} (published, not yet signing), {@code active} or {@code retired}
 */
public record SigningKey(
    String kid,
    String alg,
    Instant createdAt,
    Instant signsFrom,
    @Nullable Instant publishedUntil,
    String state) {}
