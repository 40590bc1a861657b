package dev.gatehouse.admin.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.Main;
import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.Proxy;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gatehouse apply}: to a running server through its admin API (whose memory then answers by
 * the file at once), and to a stopped instance directly; a dry run prints the diff and changes
 * nothing; a second apply says there is nothing to change.
 */
class ApplyCommandReachesRunningAndStoppedInstancesTest {
  @TempDir Path dir;
  @TempDir Path files;

  private record Run(int exit, String out, String err) {}

  private Run apply(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(TestGatehouse.testEnv(dir));
    env.putAll(Provisioning.env());
    env.putAll(extraEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main(env, new ByteArrayInputStream(new byte[0])));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "apply";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @Test
  void appliesToARunningServerThroughItsApi() {
    Path file = Provisioning.full(files);
    try (TestGatehouse gh = TestGatehouse.start(dir);
        Proxy proxy = new Proxy(gh);
        Browser alice = new Browser(gh)) {
      Map<String, String> key = Map.of("GATEHOUSE_API_KEY", TestGatehouse.API_KEY);
      String server = gh.uri("").toString();

      Run rehearsal = apply(key, file.toString(), "--dry-run", "--server", server);

      assertThat(rehearsal.exit()).as(rehearsal.err()).isZero();
      assertThat(rehearsal.out())
          .startsWith(file + ": 7 changes (dry run: nothing changed)")
          .contains("  + user alice\n")
          .doesNotContain("long password")
          .doesNotContain(Provisioning.GRAFANA_SECRET);
      assertThat(gh.get("/api/admin/users?username=alice").json().get("items")).isEmpty();

      Run applied = apply(key, file.toString(), "--server", server);

      assertThat(applied.exit()).as(applied.err()).isZero();
      assertThat(applied.out()).startsWith(file + ": 7 changes applied");
      alice.login("alice", "alice's long password");
      assertThat(
              proxy
                  .forwardAuth("GET", "https://wiki.example.test/", "Cookie", alice.cookieHeader())
                  .statusCode())
          .isEqualTo(200);
      assertThat(apply(key, file.toString(), "--server", server).out())
          .isEqualTo(file + ": nothing to change\n");
    }
  }

  @Test
  void appliesToAStoppedInstance() throws Exception {
    Path file = Provisioning.full(files);
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      gh.createUser("carol", "carol's long password");
    }

    Run applied = apply(Map.of(), file.toString());

    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out()).startsWith(file + ": 7 changes applied");
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      assertThat(gh.get("/api/admin/users").json().findValuesAsText("username"))
          .contains("alice", "bob", "carol");
      assertThat(Provisioning.tokenStatus(gh, "grafana", Provisioning.GRAFANA_SECRET))
          .isEqualTo(200);
    }
    assertThat(apply(Map.of(), file.toString()).out()).isEqualTo(file + ": nothing to change\n");
  }

  @Test
  @Tag(TestBackend.SQLITE_ONLY)
  void aServerHoldingTheDatabaseNeedsAnApiKey() {
    Path file = Provisioning.full(files);
    try (TestGatehouse gh = TestGatehouse.start(dir)) {
      Run refused = apply(Map.of(), file.toString());

      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err()).contains("a server is running").contains("GATEHOUSE_API_KEY");
      assertThat(gh.get("/api/admin/users?username=alice").json().get("items")).isEmpty();
    }
  }

  @Test
  void aBrokenFileIsReportedAndNothingApplied() {
    Path file =
        Provisioning.write(files, "broken.toml", "[[users]]\nusername = \"alice\"\nage = 3\n");

    Run refused = apply(Map.of(), file.toString());

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err())
        .isEqualTo(
            file
                + ":3: users[alice].age: unknown field; expected one of disabled, display_name,"
                + " email, groups, password_env, password_file, password_hash, username\n"
                + "nothing was applied\n");
  }
}
