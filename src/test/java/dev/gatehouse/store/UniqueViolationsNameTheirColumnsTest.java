package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.event.Events;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that breaks a unique key fails as a unique violation naming the key's columns, as the
 * database reports them, on either backend (this test runs in both surefire executions): a primary
 * key, a UNIQUE column, a unique index, a key of two columns. Not retryable: running it again
 * breaks the same key.
 */
class UniqueViolationsNameTheirColumnsTest {
  @TempDir Path dir;

  private static StoreException duplicate(Store store, Unit<?> unit) {
    store.writer().write(unit);
    return catchThrowableOfType(StoreException.class, () -> store.writer().write(unit));
  }

  private static Unit<Integer> user(String id, String username, String email) {
    return tx ->
        tx.update(
            "INSERT INTO users (id, username, email, disabled, created_at, updated_at)"
                + " VALUES (?, ?, ?, FALSE, 0, 0)",
            id,
            username,
            email);
  }

  @Test
  void eachKindOfUniqueKeyIsNamedByItsColumns() {
    try (Store store = TestStores.open(dir, new Events())) {
      StoreException primaryKey = duplicate(store, tx -> TestStores.addGroup(tx, "staff"));
      store.writer().write(user("u1", "alice", "alice@example.test"));
      StoreException column =
          catchThrowableOfType(
              StoreException.class,
              () -> store.writer().write(user("u2", "alice", "other@example.test")));
      StoreException index =
          catchThrowableOfType(
              StoreException.class,
              () -> store.writer().write(user("u3", "bob", "alice@example.test")));
      StoreException twoColumns =
          duplicate(
              store,
              tx ->
                  tx.update(
                      "INSERT INTO memberships (group_name, user_id) VALUES (?, ?)",
                      "staff",
                      "u1"));

      assertThat(primaryKey.isUniqueViolation()).isTrue();
      assertThat(primaryKey.conflictingColumns()).isEqualTo("name");
      assertThat(column.conflictingColumns()).isEqualTo("username");
      assertThat(index.conflictingColumns()).isEqualTo("email");
      assertThat(twoColumns.conflictingColumns()).isEqualTo("group_name,user_id");
      for (StoreException e : new StoreException[] {primaryKey, column, index, twoColumns}) {
        assertThat(e.isUniqueViolation()).isTrue();
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.isUnavailable()).isFalse();
      }
    }
  }

  @Test
  void otherFailuresNameNoColumns() {
    try (Store store = TestStores.open(dir, new Events())) {
      StoreException notNull =
          catchThrowableOfType(
              StoreException.class,
              () ->
                  store
                      .writer()
                      .write(
                          tx ->
                              tx.update(
                                  "INSERT INTO groups_ (name, created_at) VALUES ('x', NULL)")));

      assertThat(notNull.isUniqueViolation()).isFalse();
      assertThat(notNull.conflictingColumns()).isNull();
      assertThat(notNull.isRetryable()).isFalse();
    }
  }
}
