package dev.gatehouse.store;

/**
 * The store cannot take writes now (shutting down, disk full, read-only); retrying later may work.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }
}
