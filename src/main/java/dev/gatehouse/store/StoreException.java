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

  /**
   * Classifies {@code e}: SQLite by its result codes (in the message; its driver sets no SQLState),
   * PostgreSQL by SQLState: 23505 is a unique violation; class 08 (connection), 53 (insufficient
   * resources) and 57P (server shutting down or unreachable) mean the database cannot take writes.
   */
  static StoreException of(SQLException e) {
    String message = String.valueOf(e.getMessage());
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    boolean unique = message.contains("UNIQUE constraint failed") || "23505".equals(state);
    boolean unavailable =
        message.contains("SQLITE_FULL")
            || message.contains("SQLITE_READONLY")
            || message.contains("SQLITE_IOERR")
            || message.contains("SQLITE_CANTOPEN")
            || message.contains("SQLITE_BUSY")
            || state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57P");
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
