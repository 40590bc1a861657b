package dev.gatehouse.failure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Why a use case refused a request. Domain code throws these; the web layer maps them to responses
 * in one place, so every feature reports errors the same way.
 */
public abstract sealed class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String field;

  private Failure(@Nullable String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The request field the failure is about, if any. */
  public @Nullable String field() {
    return field;
  }

  /** A value in the request is missing, malformed or out of range. */
  public static final class Invalid extends Failure {
    private static final long serialVersionUID = 1L;

    public Invalid(@Nullable String field, String message) {
      super(field, message);
    }
  }

  /** The thing named does not exist. */
  public static final class NotFound extends Failure {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(null, message);
    }
  }

  /** The request clashes with existing state, such as a unique name already taken. */
  public static final class Conflict extends Failure {
    private static final long serialVersionUID = 1L;

    public Conflict(@Nullable String field, String message) {
      super(field, message);
    }
  }

  /** No credentials, or credentials that identify nobody. */
  public static final class Unauthenticated extends Failure {
    private static final long serialVersionUID = 1L;

    public Unauthenticated(String message) {
      super(null, message);
    }
  }

  /** Valid credentials that do not allow this. */
  public static final class Forbidden extends Failure {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
      super(null, message);
    }
  }

  /**
   * Too many failed attempts from this client or on this account: refused before any check, to be
   * tried again after {@code retryAfter}.
   */
  public static final class Throttled extends Failure {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public Throttled(String message, Duration retryAfter) {
      super(null, message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * The server cannot take this work now (a full queue); nothing was done, and the same request may
   * succeed after {@code retryAfter}.
   */
  public static final class Busy extends Failure {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public Busy(String message, Duration retryAfter) {
      super(null, message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }
}
