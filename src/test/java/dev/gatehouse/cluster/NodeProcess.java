package dev.gatehouse.cluster;

import dev.gatehouse.testing.RealProxy;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Gatehouse node in a process of its own ({@code Main serve}, on the test classpath), so that it
 * can be killed with SIGKILL as a crashed machine would be: nothing runs on its way out.
 */
final class NodeProcess implements AutoCloseable {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  final int port;
  private final Process process;
  private final Path log;

  private NodeProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  static NodeProcess start(Path dir, Map<String, String> clusterEnv) {
    int port = RealProxy.freePort();
    try {
      Path data = Files.createDirectories(dir);
      Path log = dir.resolve("node.log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx192m",
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.gatehouse.Main",
                  "serve")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(TestGatehouse.testEnv(data));
      builder.environment().putAll(clusterEnv);
      builder.environment().put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + port);
      builder.environment().remove("GATEHOUSE_FORWARD_AUTH_LISTEN");
      NodeProcess node = new NodeProcess(port, builder.start(), log);
      node.awaitReady();
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    try (HttpClient http = HttpClient.newHttpClient()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("node exited:\n" + Files.readString(log));
        }
        try {
          HttpResponse<String> ready =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (ready.statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("node not ready in " + STARTUP + ":\n" + Files.readString(log));
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to the database. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
