package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.Browser;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.UnpackedPackage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacked package runs on its own runtime: started with nothing but {@code /usr/bin:/bin} and
 * a {@code java} that fails on the PATH, and no JAVA_HOME, it becomes ready, signs a user in
 * through the portal's form, serves the JVM metrics (jdk.management) and exits 0 on SIGTERM; {@code
 * bin/gatehouse version} names the packaged version. A module jlink left out shows up here. The
 * first {@code serve} leaves the start-up cache to be made in the background; the next one starts
 * with it.
 */
@Timeout(360)
class PackageRunsWithoutAJdkIT {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process server;

  @AfterEach
  void killLeftovers() {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
    }
    http.close();
  }

  @Test
  void servesSignsInAndStopsCleanlyWithNoJdkAnywhere() throws Exception {
    UnpackedPackage unpacked = UnpackedPackage.into(Files.createDirectory(dir.resolve("opt")));
    assertThat(run(List.of("sh", "-c", "java -version")).exitValue())
        .as("the java on the package's PATH is the failing one")
        .isEqualTo(1);

    Process version = run(List.of(unpacked.launcher().toString(), "version"));
    String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.exitValue()).as(printed).isZero();
    assertThat(printed).startsWith("gatehouse " + unpacked.version());

    int port = freePort();
    int metricsPort = freePort();
    Path log = dir.resolve("serve.log");
    Path data = dir.resolve("data");
    ProcessBuilder serve =
        builder(List.of(unpacked.launcher().toString(), "serve"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = serve.environment();
    env.put("GATEHOUSE_STORAGE_DATA_DIR", data.toString());
    env.put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + port);
    env.put("GATEHOUSE_METRICS_ENABLE", "true");
    env.put("GATEHOUSE_METRICS_LISTEN", "127.0.0.1:" + metricsPort);
    env.put("GATEHOUSE_HASHING_ARGON2_M_COST", "32768");
    env.put("GATEHOUSE_HASHING_ARGON2_T_COST", "1");
    env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", TestGatehouse.ADMIN_PASSWORD);
    // As systemd's LoadCredential= hands it over (systemd/gatehouse.service): the launcher reads
    // it.
    Path credentials = Files.createDirectory(dir.resolve("credentials"));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.writeString(
        credentials.resolve("key_encryption_key"), Base64.getEncoder().encodeToString(key) + "\n");
    env.put("CREDENTIALS_DIRECTORY", credentials.toString());
    server = serve.start();
    awaitReady(port, log);

    try (Browser browser = new Browser(URI.create("http://127.0.0.1:" + port))) {
      HttpResponse<String> signIn = browser.login("admin", TestGatehouse.ADMIN_PASSWORD);
      assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(303);
      assertThat(browser.cookie("gh_session")).isNotNull();
      assertThat(browser.get("/account").statusCode()).isEqualTo(200);
    }
    String metrics = get(metricsPort, "/metrics").body();
    assertThat(metrics).contains("jvm_memory_used_bytes").contains("process_cpu_seconds_total");
    assertThat(data.resolve("gatehouse.kek"))
        .as("the credential is the key-encryption key: none generated into the data directory")
        .doesNotExist();

    server.destroy(); // SIGTERM: bin/gatehouse exec'd the JVM, so this is the JVM's pid
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    String output = Files.readString(log);
    assertThat(server.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("argon2: native")
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("ClassNotFoundException")
        .doesNotContain("fake java");

    Path cache = unpacked.launcher().getParent().getParent().resolve("var/gatehouse.aot");
    long deadline = System.nanoTime() + Duration.ofSeconds(200).toNanos();
    while (!Files.exists(Path.of(cache + ".key")) && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(Path.of(cache + ".key"))
        .as("the start-up cache made after the first start; %s", trainingLog(cache))
        .exists();
    server = serve.start();
    awaitReady(port, log);
    String commandLine =
        Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).replace('\0', ' ');
    assertThat(commandLine).contains("-XX:AOTCache=" + cache);
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).as(output(log)).isZero();
  }

  private static String trainingLog(Path cache) {
    try {
      return Files.readString(Path.of(cache + ".log"));
    } catch (IOException e) {
      return "no training log: " + e;
    }
  }

  /** Only /usr/bin and /bin, behind a directory whose {@code java} fails; no JDK variables. */
  private ProcessBuilder builder(List<String> command) throws IOException {
    Path fake = dir.resolve("fake-bin");
    if (!Files.exists(fake)) {
      Files.createDirectory(fake);
      Files.writeString(
          fake.resolve("java"),
          "#!/bin/sh\necho 'fake java: the package used the PATH' >&2\nexit 1\n");
      Files.setPosixFilePermissions(
          fake.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", fake + ":/usr/bin:/bin");
    env.put("HOME", dir.toString());
    return builder;
  }

  private Process run(List<String> command) throws Exception {
    Process process = builder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return process;
  }

  private void awaitReady(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as(output(log)).isTrue();
      try {
        if (get(port, "/health/ready").statusCode() == 200) {
          return;
        }
      } catch (ConnectException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within " + STARTUP + "\n" + output(log));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String output(Path log) {
    try {
      return "server output:\n" + Files.readString(log);
    } catch (IOException e) {
      return "no server output: " + e;
    }
  }
}
