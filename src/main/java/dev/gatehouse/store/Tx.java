package dev.gatehouse.store;

import dev.gatehouse.event.DomainEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The writer's connection as one unit of work sees it: SQL plus events to publish once the unit has
 * committed. Events of a unit that rolls back are dropped with it.
 */
public final class Tx extends Query {
  private final List<DomainEvent> events = new ArrayList<>();

  Tx(Connection connection, LongAdder statements) {
    super(connection, statements);
  }

  /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
  public int update(String sql, @Nullable Object... args) {
    try (PreparedStatement statement = prepare(sql, args)) {
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  /** Publishes {@code event} to subscribers after this unit's batch has committed. */
  public void publish(DomainEvent event) {
    events.add(event);
  }

  List<DomainEvent> events() {
    return events;
  }
}
