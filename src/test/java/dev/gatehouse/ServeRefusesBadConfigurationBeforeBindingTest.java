package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every kind of configuration error ends {@code serve} with exit code 2 and a message naming the
 * key, before anything is opened: the public port stays ours (we hold it, so binding it would fail
 * differently) and the data directory is not even created.
 */
@Timeout(60)
class ServeRefusesBadConfigurationBeforeBindingTest {
  @TempDir Path dir;

  /**
   * @param toml the config file's content; null passes a path to a file that does not exist
   * @param env environment beside the test's listen address and data directory
   * @param expected what the error message must contain
   */
  record BadConfig(
      String name, @Nullable String toml, Map<String, String> env, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadConfig> badConfigs() {
    return Stream.of(
        new BadConfig(
            "unknown key",
            "[server]\nlisten_port = 8080\n",
            Map.of(),
            List.of("server.listen_port", "unknown key", "gatehouse.toml line 2")),
        new BadConfig(
            "unknown section",
            "[sever]\n",
            Map.of(),
            List.of("sever", "unknown section", "gatehouse.toml line 1")),
        new BadConfig(
            "wrong type",
            "[database]\n\nread_pool_size = \"four\"\n",
            Map.of(),
            List.of("database.read_pool_size", "expected an integer", "gatehouse.toml line 3")),
        new BadConfig(
            "out of range",
            "[hashing]\nargon2_m_cost = 1024\n",
            Map.of(),
            List.of("hashing.argon2_m_cost", "from 32768 to 4194304", "gatehouse.toml line 2")),
        new BadConfig(
            "value not among the allowed ones",
            "[storage]\nlog_sync = \"sometimes\"\n",
            Map.of(),
            List.of("storage.log_sync", "immediate, immediate_async or interval_<ms>")),
        new BadConfig(
            "database not supported",
            "[database]\nurl = \"jdbc:mysql://db/gatehouse\"\n",
            Map.of(),
            List.of("database.url", "jdbc:postgresql://host:port/database")),
        new BadConfig(
            "database password given twice",
            "[database]\npassword = \"secret-in-file\"\npassword_file = \"/etc/pw\"\n",
            Map.of(),
            List.of("database.password_file", "either database.password or")),
        new BadConfig(
            "bad environment value",
            "",
            Map.of("GATEHOUSE_DATABASE_READ_POOL_SIZE", "many"),
            List.of("database.read_pool_size", "GATEHOUSE_DATABASE_READ_POOL_SIZE")),
        new BadConfig(
            "environment value out of range",
            "",
            Map.of("GATEHOUSE_SERVER_HTTP_WORKERS", "-1"),
            List.of("server.http_workers", "from 0 to 1024", "GATEHOUSE_SERVER_HTTP_WORKERS")),
        new BadConfig(
            "unknown environment variable in a known section",
            "",
            Map.of("GATEHOUSE_HASHING_ARGON2_MEMORY", "65536"),
            List.of("hashing.argon2_memory", "GATEHOUSE_HASHING_ARGON2_MEMORY")),
        new BadConfig(
            "short bootstrap API key",
            "",
            Map.of("GATEHOUSE_BOOTSTRAP_API_KEY", "change-me"),
            List.of("GATEHOUSE_BOOTSTRAP_API_KEY", "at least 32 characters")),
        new BadConfig(
            "repetitive bootstrap API key",
            "",
            Map.of("GATEHOUSE_BOOTSTRAP_API_KEY", "ab".repeat(20)),
            List.of("GATEHOUSE_BOOTSTRAP_API_KEY", "different")),
        new BadConfig(
            "short bootstrap admin password",
            "",
            Map.of("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", "admin"),
            List.of("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", "at least 12 characters")),
        new BadConfig(
            "WebAuthn rp_id neither the public host nor a parent domain of it",
            "",
            Map.of(
                "GATEHOUSE_SERVER_PUBLIC_URL", "https://auth.example.com",
                "GATEHOUSE_WEBAUTHN_RP_ID", "evil.example"),
            List.of("webauthn.rp_id", "auth.example.com", "evil.example")),
        new BadConfig(
            "authenticator app issuer with a colon",
            "",
            Map.of("GATEHOUSE_MFA_ISSUER", "Acme: Gatehouse"),
            List.of("mfa.issuer", "GATEHOUSE_MFA_ISSUER", "without ':'")),
        new BadConfig(
            "invalid TOML",
            "[server]\nlisten = \n",
            Map.of(),
            List.of("config", "invalid TOML", "gatehouse.toml line 2")),
        new BadConfig(
            "missing config file",
            null,
            Map.of(),
            List.of("config", "file not found", "missing.toml")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void exitsWithCode2NamingTheKeyBeforeBindingAnything(BadConfig bad) throws IOException {
    Path file = dir.resolve(bad.toml() == null ? "missing.toml" : "gatehouse.toml");
    if (bad.toml() != null) {
      Files.writeString(file, bad.toml());
    }
    Path dataDir = dir.resolve("data");
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> env = new HashMap<>(bad.env());
      env.put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + held.getLocalPort());
      env.put("GATEHOUSE_STORAGE_DATA_DIR", dataDir.toString());
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new Main(env, new ByteArrayInputStream(new byte[0])));
      cli.setErr(new PrintWriter(err, true));

      int exit = cli.execute("serve", "--config", file.toString());

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString()).startsWith("config error: ").contains(bad.expected());
      assertThat(held.isBound()).isTrue();
    }
    assertThat(dataDir).doesNotExist();
  }
}
