package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(TestBackend.OWN_DATABASE)
class PostgresStartsForTestsTest {
  private final Postgres postgres = Postgres.shared();

  @Test
  void twoDatabasesOfTheSharedServerAreIndependent() throws SQLException {
    Postgres.Database first = postgres.createDatabase();
    Postgres.Database second = postgres.createDatabase();
    assertThat(first.name()).isNotEqualTo(second.name());

    try (Connection c = postgres.connect(first.name());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY, text TEXT NOT NULL)");
      s.execute("INSERT INTO notes VALUES (1, 'only in the first')");
    }
    try (Connection c = postgres.connect(second.name());
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM notes"))
          .hasMessageContaining("does not exist");
    }
    try (Connection c =
            DriverManager.getConnection(first.jdbcUrl(), postgres.user(), postgres.password());
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT text FROM notes")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("only in the first");
    }
  }

  @Test
  void theTestRoleSignsInWithItsPasswordOverTcpAndIsNoSuperuser() throws SQLException {
    Postgres.Database db = postgres.createDatabase();
    try (Connection c = postgres.connect(db.name());
        Statement s = c.createStatement();
        ResultSet row =
            s.executeQuery(
                "SELECT current_user, rolsuper, inet_server_addr()::text"
                    + " FROM pg_roles WHERE rolname = current_user")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo(postgres.user());
      assertThat(row.getBoolean(2)).isFalse();
      assertThat(row.getString(3)).isEqualTo("127.0.0.1/32");
    }
    assertThatThrownBy(
            () -> DriverManager.getConnection(db.jdbcUrl(), postgres.user(), "not-the-password"))
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void theServerListensOnLoopbackOnlyAndNeverRunsAsRoot() throws SQLException {
    Postgres.Database db = postgres.createDatabase();
    try (Connection c = postgres.connect(db.name());
        Statement s = c.createStatement();
        ResultSet row = s.executeQuery("SHOW listen_addresses")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("127.0.0.1");

      // With the connection open: the postmaster, its background workers and this backend.
      List<ProcessHandle> processes =
          Stream.concat(Stream.of(postgres.process()), postgres.process().descendants()).toList();
      assertThat(processes).hasSizeGreaterThan(2);
      for (ProcessHandle p : processes) {
        uidOf(p)
            .ifPresent(uid -> assertThat(uid).as("uid of %s", p.info().commandLine()).isNotZero());
      }
    }
  }

  /** The process's user; empty when it has exited since it was listed (a backend, say). */
  private static Optional<Integer> uidOf(ProcessHandle process) {
    try {
      Path proc = Path.of("/proc", Long.toString(process.pid()));
      return Optional.of((Integer) Files.getAttribute(proc, "unix:uid"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
