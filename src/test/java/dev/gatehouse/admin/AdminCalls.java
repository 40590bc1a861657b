package dev.gatehouse.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Steps the admin API tests share: keys of other roles, totals, error checks, raw rows. */
final class AdminCalls {
  private AdminCalls() {}

  /** Creates a read_only API key and returns its secret. */
  static String readOnlyKey(TestGatehouse gh, String name) {
    TestGatehouse.Response created =
        gh.post("/api/admin/api-keys", "{\"name\":\"" + name + "\",\"role\":\"read_only\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("secret").asText();
  }

  /** The {@code total} a list endpoint reports. */
  static long total(TestGatehouse gh, String listPath) {
    TestGatehouse.Response list = gh.get(listPath + "?limit=1");
    assertThat(list.status()).as(list.body()).isEqualTo(200);
    return list.json().get("total").asLong();
  }

  /** Asserts the contract's error shape: status, {@code error} code and the {@code field}. */
  static void assertError(
      TestGatehouse.Response response, int status, String error, @Nullable String field) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode body = response.json();
    assertThat(body.get("error").asText()).isEqualTo(error);
    assertThat(body.get("message").asText()).isNotBlank();
    if (field == null) {
      assertThat(body.has("field")).as(response.body()).isFalse();
    } else {
      assertThat(body.path("field").asText()).as(response.body()).isEqualTo(field);
    }
  }

  /** Asserts that a call without a key and one with an unknown key are both refused with 401. */
  static void assertNeedsKey(TestGatehouse gh, String method, String path, @Nullable String json) {
    assertError(gh.send(method, path, json, null), 401, "unauthorized", null);
    assertError(gh.send(method, path, json, "gh_ak_not-a-real-key"), 401, "unauthorized", null);
  }

  /** The secret digest stored for a client, read straight from the database. */
  static String storedDigest(TestGatehouse gh, String clientId) {
    return column(gh, "SELECT secret_digest FROM clients WHERE client_id = ?", clientId)
        .orElseThrow();
  }

  /** The first column of the first row of {@code sql}, read straight from the database. */
  static Optional<String> column(TestGatehouse gh, String sql, Object... args) {
    try (Connection db = gh.connectToDatabase();
        PreparedStatement statement = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
