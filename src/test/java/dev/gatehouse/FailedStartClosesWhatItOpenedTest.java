package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails after some listeners are bound (here: the metrics port is taken) closes what
 * it had opened, in reverse order: the public and forward-auth ports are free again, no thread of
 * the HTTP stack or the background jobs stays behind, and the database can be opened by the next
 * start. Before the single stack, a failing main server left the forward-auth port bound.
 */
@Timeout(60)
class FailedStartClosesWhatItOpenedTest {
  @TempDir Path dir;

  @Test
  void theOpenedPortsAreReleasedAndTheNextStartWorks() throws IOException {
    int main = freePort();
    int forwardAuth = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> env =
          Map.of(
              "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + main,
              "GATEHOUSE_FORWARD_AUTH_LISTEN", "127.0.0.1:" + forwardAuth,
              "GATEHOUSE_METRICS_ENABLE", "true",
              "GATEHOUSE_METRICS_LISTEN", "127.0.0.1:" + taken.getLocalPort());

      assertThatThrownBy(() -> TestGatehouse.start(dir, env))
          .hasMessageContaining("metrics")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }

    assertThat(canBind(main)).as("public port released").isTrue();
    assertThat(canBind(forwardAuth)).as("forward-auth port released").isTrue();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("no event loop or request thread left running")
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("vert.x-eventloop"));
    try (TestGatehouse again = TestGatehouse.start(dir)) {
      assertThat(again.get("/health/ready").status()).isEqualTo(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
