package dev.gatehouse.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Runs SQL on one borrowed connection and counts every statement. All feature SQL goes through here
 * (or its subclass {@link Tx}), so the statement counter is the proof that a hot path issues none.
 */
public class Query {
  final Connection connection;
  private final LongAdder statements;

  Query(Connection connection, LongAdder statements) {
    this.connection = connection;
    this.statements = statements;
  }

  public <T> List<T> list(String sql, RowMapper<T> mapper, @Nullable Object... args) {
    try (PreparedStatement statement = prepare(sql, args);
        ResultSet rows = statement.executeQuery()) {
      List<T> result = new ArrayList<>();
      while (rows.next()) {
        result.add(mapper.map(rows));
      }
      return result;
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  public <T> Optional<T> one(String sql, RowMapper<T> mapper, @Nullable Object... args) {
    List<T> rows = list(sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  public long count(String sql, @Nullable Object... args) {
    return one(sql, row -> row.getLong(1), args).orElse(0L);
  }

  PreparedStatement prepare(String sql, @Nullable Object... args) throws SQLException {
    statements.increment();
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      statement.setObject(i + 1, args[i]);
    }
    return statement;
  }
}
