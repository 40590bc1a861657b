package dev.gatehouse.store;

import java.sql.SQLException;

/** A database failure, unchecked so that units of work stay short. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean uniqueViolation;
  private final boolean unavailable;

  StoreException(String message, SQLException cause, boolean uniqueViolation, boolean unavailable) {
    super(message, cause);
    this.uniqueViolation = uniqueViolation;
    this.unavailable = unavailable;
  }

  static StoreException of(SQLException e) {
    String message = String.valueOf(e.getMessage());
    boolean unique =
        message.contains("UNIQUE constraint failed") || "23505".equals(e.getSQLState());
    boolean unavailable =
        message.contains("SQLITE_FULL")
            || message.contains("SQLITE_READONLY")
            || message.contains("SQLITE_IOERR")
            || message.contains("SQLITE_CANTOPEN")
            || message.contains("SQLITE_BUSY");
    return new StoreException(message, e, unique, unavailable);
  }

  /** True when a unique constraint rejected the write: the caller maps it to a conflict. */
  public boolean isUniqueViolation() {
    return uniqueViolation;
  }

  /** True when the database cannot take writes right now (disk full, read-only, I/O error). */
  public boolean isUnavailable() {
    return unavailable;
  }
}
