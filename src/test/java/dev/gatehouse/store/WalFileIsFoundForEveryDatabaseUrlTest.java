package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The syncer must sync the WAL, not the database file, whatever form the URL takes. */
@Tag(TestBackend.SQLITE_ONLY)
class WalFileIsFoundForEveryDatabaseUrlTest {
  @Test
  void plainPathUrl() {
    assertThat(Store.walOf("jdbc:sqlite:/var/lib/gatehouse/gatehouse.db"))
        .isEqualTo(Path.of("/var/lib/gatehouse/gatehouse.db-wal"));
  }

  @Test
  void fileUriWithQuery() {
    assertThat(Store.walOf("jdbc:sqlite:file:/var/lib/gatehouse/gatehouse.db?cache=private"))
        .isEqualTo(Path.of("/var/lib/gatehouse/gatehouse.db-wal"));
  }

  @Test
  void inMemoryDatabasesHaveNone() {
    assertThat(Store.walOf("jdbc:sqlite::memory:")).isNull();
    assertThat(Store.walOf("jdbc:sqlite:file:gatehouse?mode=memory&cache=shared")).isNull();
  }
}
