package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCounterCountsEveryStatementTest {
  @TempDir Path dir;

  @Test
  void readsAndWritesAreCountedApart() {
    try (Store store = TestStores.open(dir, new Events())) {
      StoreMetrics metrics = store.metrics();
      long reads = metrics.readStatements();
      long writes = metrics.writeStatements();

      store
          .writer()
          .write(
              tx -> {
                TestStores.addGroup(tx, "a");
                TestStores.addGroup(tx, "b");
                return tx.count("SELECT COUNT(*) FROM groups_");
              });

      assertThat(metrics.writeStatements() - writes).isEqualTo(3);
      assertThat(metrics.readStatements() - reads).isZero();

      store
          .reads()
          .read(
              q -> {
                q.one("SELECT name FROM groups_ WHERE name = ?", r -> r.getString(1), "a");
                return q.list("SELECT name FROM groups_", r -> r.getString(1));
              });

      assertThat(metrics.readStatements() - reads).isEqualTo(2);
      assertThat(metrics.writeStatements() - writes).isEqualTo(3);
    }
  }
}
