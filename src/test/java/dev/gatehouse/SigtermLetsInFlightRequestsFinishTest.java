package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher in a JVM of its own: SIGTERM stops accepting, lets a request already being read
 * finish, flushes the writer and exits 0; what that request wrote is there after a restart.
 */
@Timeout(180)
class SigtermLetsInFlightRequestsFinishTest {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    http.close();
  }

  @Test
  void inFlightCreateCompletesExitCodeIsZeroAndTheUserSurvivesARestart() throws Exception {
    int port = freePort();
    process = start(port, dir.resolve("first.log"));
    awaitReady(port, dir.resolve("first.log"));
    assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);

    String body =
        "{\"username\":\"carol\",\"email\":\"carol@example.test\",\"password\":\"correct horse\"}";
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      int half = body.length() / 2;
      out.write(
          ("POST /api/admin/users HTTP/1.1\r\n"
                  + "Host: 127.0.0.1:"
                  + port
                  + "\r\n"
                  + "Authorization: Bearer "
                  + TestGatehouse.API_KEY
                  + "\r\n"
                  + "Content-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body.substring(0, half))
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      Thread.sleep(500); // the handler is now reading the body

      process.destroy(); // SIGTERM
      Thread.sleep(500); // the server is now stopping
      out.write(body.substring(half).getBytes(StandardCharsets.UTF_8));
      out.flush();

      String response = readResponse(socket.getInputStream());
      assertThat(response).as(log(dir.resolve("first.log"))).startsWith("HTTP/1.1 201");
      Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(response);
      assertThat(id.find()).as(response).isTrue();

      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(process.exitValue()).as(log(dir.resolve("first.log"))).isZero();

      process = start(port, dir.resolve("second.log"));
      awaitReady(port, dir.resolve("second.log"));
      HttpResponse<String> user = get(port, "/api/admin/users/" + id.group(1));
      assertThat(user.statusCode()).isEqualTo(200);
      assertThat(user.body()).contains("\"username\":\"carol\"");
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
    }
  }

  private Process start(int port, Path log) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "serve"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
    env.putAll(TestGatehouse.testEnv(dir.resolve("data")));
    env.put("GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + port);
    return builder.start();
  }

  private void awaitReady(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as(log(log)).isTrue();
      try {
        if (get(port, "/health/ready").statusCode() == 200) {
          return;
        }
      } catch (ConnectException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within " + STARTUP + "\n" + log(log));
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + TestGatehouse.API_KEY)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The status line, headers and a Content-Length body of one HTTP/1.1 response. */
  private static String readResponse(InputStream raw) throws IOException {
    InputStream in = new BufferedInputStream(raw);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(headers);
    byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String log(Path log) {
    try {
      return "server output:\n" + Files.readString(log);
    } catch (IOException e) {
      return "no server output: " + e;
    }
  }
}
