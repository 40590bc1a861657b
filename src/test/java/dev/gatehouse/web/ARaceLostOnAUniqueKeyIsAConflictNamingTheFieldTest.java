package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.store.StoreException;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API finds a taken name before it inserts (409, naming the field). Where that check is
 * passed by two writers at once (two nodes on one PostgreSQL database), the database's unique key
 * refuses the loser: it must get the same answer, a 409 conflict naming the field, never a 500 and
 * never the value. Runs on SQLite and on PostgreSQL (the suite's two executions).
 */
class ARaceLostOnAUniqueKeyIsAConflictNamingTheFieldTest {
  @TempDir Path dir;

  @Test
  void theCheckAndTheKeyAnswerTheSame() {
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.post("/api/admin/groups", "{\"name\":\"night-shift\"}");
      TestGatehouse.Response checked = gh.post("/api/admin/groups", "{\"name\":\"night-shift\"}");

      // What the losing node's writer meets: the row is there although its check saw none.
      StoreException lost =
          catchThrowableOfType(
              StoreException.class,
              () ->
                  gh.gatehouse()
                      .store()
                      .writer()
                      .write(
                          tx ->
                              tx.update(
                                  "INSERT INTO groups_ (name, created_at) VALUES (?, ?)",
                                  "night-shift",
                                  0L)));
      ErrorResponses.Problem raced = ErrorResponses.problem(lost, 0);

      assertThat(checked.status()).isEqualTo(409);
      assertThat(checked.json().get("field").asText()).isEqualTo("name");
      assertThat(raced.status()).isEqualTo(409);
      assertThat(raced.error()).isEqualTo("conflict");
      assertThat(raced.field()).isEqualTo(checked.json().get("field").asText());
      assertThat(raced.message()).doesNotContain("night-shift");
    }
  }
}
