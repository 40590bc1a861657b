package dev.gatehouse.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What differs between the databases Gatehouse runs on, and nothing else: how the write connection
 * and the read pool are opened, how a batch begins, what makes a committed batch durable as its
 * data classes ask, and what closing leaves behind. Feature SQL, the {@link Writer}'s group commit
 * and savepoints, and {@link Reads} are the same on every backend.
 */
sealed interface Backend permits SqliteBackend, PostgresBackend {
  /** The URL the backend was opened on, for messages (never holds a password). */
  String url();

  /** The single connection the {@link Writer} owns, in auto-commit. */
  Connection writeConnection();

  /** The read-only connections behind {@link Reads}. */
  HikariDataSource readPool();

  /** The statement that opens a batch's transaction. */
  String begin();

  /** Statements run right after {@link #begin()}, for a batch holding {@code classes}. */
  List<String> durability(Set<DataClass> classes);

  /** Called after a batch holding {@code classes} committed, before its callers are released. */
  void committed(Set<DataClass> classes);

  /**
   * Sends {@code announcements} (tab-separated topic and key, one per line) to every node
   * listening, inside the open transaction, so that only a commit delivers them. A database of one
   * node's own has no one to tell.
   */
  void announce(Connection writeConnection, List<String> announcements) throws SQLException;

  /**
   * The query that takes a job's transaction-level lock ({@code (int, int)} keys): without waiting
   * (answers a boolean) or waiting for the node that holds it; null where one node owns the
   * database and needs none.
   */
  @Nullable String jobLock(boolean wait);

  /**
   * A working write connection in place of {@code broken}, after a batch found the database
   * unreachable; {@code broken} itself when it still works or cannot be replaced.
   */
  Connection reopen(Connection broken);

  /** Called once the writer thread has stopped, before the write connection closes. */
  void closing(Connection writeConnection) throws SQLException;

  /** The read pool every backend opens the same way over its own read-only {@code source}. */
  static HikariDataSource readPool(DataSource source, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    hikari.setPoolName("gatehouse-read");
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(1);
    hikari.setReadOnly(true);
    hikari.setConnectionTimeout(30_000);
    return new HikariDataSource(hikari);
  }
}
