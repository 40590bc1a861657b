package dev.gatehouse.store;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** A database failure, unchecked so that units of work stay short. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** SQLite names the columns of the constraint: {@code UNIQUE constraint failed: t.a, t.b}. */
  private static final Pattern SQLITE_UNIQUE =
      Pattern.compile("UNIQUE constraint failed: (\\w+\\.\\w+(?:, \\w+\\.\\w+)*)");

  /**
   * PostgreSQL's detail names them before the values: {@code Key (a, b)=(1, 2) already exists.}
   * Only the part inside the first parentheses is taken (one level of nesting allowed, for an
   * expression such as {@code lower(email)}), so that no value is ever read.
   */
  private static final Pattern POSTGRES_KEY =
      Pattern.compile("^Key \\(((?:[^()]|\\([^()]*\\))*)\\)=\\(");

  private final boolean uniqueViolation;
  private final boolean unavailable;
  private final boolean retryable;
  private final @Nullable String conflictingColumns;

  StoreException(String message, SQLException cause, boolean uniqueViolation, boolean unavailable) {
    this(message, cause, uniqueViolation, unavailable, false, null);
  }

  private StoreException(
      String message,
      SQLException cause,
      boolean uniqueViolation,
      boolean unavailable,
      boolean retryable,
      @Nullable String conflictingColumns) {
    super(message, cause);
    this.uniqueViolation = uniqueViolation;
    this.unavailable = unavailable;
    this.retryable = retryable;
    this.conflictingColumns = conflictingColumns;
  }

  /**
   * Classifies {@code e}: SQLite by its result codes (in the message; its driver sets no SQLState),
   * PostgreSQL by SQLState: 23505 is a unique violation; class 08 (connection), 53 (insufficient
   * resources) and 57P (server shutting down or unreachable) mean the database cannot take writes;
   * 40001 (serialization failure) and 40P01 (deadlock detected) mean the transaction lost a race
   * with another one (another node's, in a cluster) and may succeed if run again.
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
    boolean retryable = "40001".equals(state) || "40P01".equals(state);
    return new StoreException(
        message, e, unique, unavailable, retryable, unique ? conflictingColumns(e) : null);
  }

  /**
   * The columns of the unique key {@code e} broke, comma-separated and without their table, or null
   * where the database did not name them (an expression index on SQLite, a hidden detail on
   * PostgreSQL). Never any value: those go to logs at most, never to an answer.
   */
  private static @Nullable String conflictingColumns(SQLException e) {
    Matcher sqlite = SQLITE_UNIQUE.matcher(String.valueOf(e.getMessage()));
    if (sqlite.find()) {
      return Arrays.stream(sqlite.group(1).split(", "))
          .map(column -> column.substring(column.indexOf('.') + 1))
          .collect(Collectors.joining(","));
    }
    if (e instanceof PSQLException postgres) {
      ServerErrorMessage server = postgres.getServerErrorMessage();
      String detail = server == null ? null : server.getDetail();
      Matcher key = POSTGRES_KEY.matcher(detail == null ? "" : detail);
      if (key.find()) {
        return Arrays.stream(key.group(1).split(","))
            .map(String::strip)
            .collect(Collectors.joining(","));
      }
    }
    return null;
  }

  /** True when a unique constraint rejected the write: the caller maps it to a conflict. */
  public boolean isUniqueViolation() {
    return uniqueViolation;
  }

  /**
   * For a unique violation, the columns of the key that was taken ({@code username}; {@code
   * group_name,user_id} for a key of two), as the database named them; else null.
   */
  public @Nullable String conflictingColumns() {
    return conflictingColumns;
  }

  /** True when the database cannot take writes right now (disk full, read-only, I/O error). */
  public boolean isUnavailable() {
    return unavailable;
  }

  /**
   * True when the transaction failed only because a concurrent one won a race (PostgreSQL's
   * serialization failure or deadlock): nothing of it was applied, and running it again may
   * succeed. Never true on SQLite, whose single writer has no concurrent transaction to lose to.
   */
  public boolean isRetryable() {
    return retryable;
  }
}
