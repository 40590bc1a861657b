package dev.gatehouse.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/** Read-only access through a small pool; never used by hot paths, which read from memory. */
public final class Reads implements AutoCloseable {
  private final HikariDataSource pool;
  private final StoreMetrics metrics;

  Reads(HikariDataSource pool, StoreMetrics metrics) {
    this.pool = pool;
    this.metrics = metrics;
  }

  public <T> T read(Function<Query, T> work) {
    Blocking.refuseOnEventLoop("a database read");
    long start = System.nanoTime();
    try (Connection connection = pool.getConnection()) {
      metrics.readWaited(System.nanoTime() - start);
      return work.apply(new Query(connection, metrics.readStatements));
    } catch (SQLException e) {
      throw StoreException.of(e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
