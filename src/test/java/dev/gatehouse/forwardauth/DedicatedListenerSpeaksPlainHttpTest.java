package dev.gatehouse.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedicated forward-auth listener ({@code [forward_auth] listen}) at the HTTP level, over raw
 * sockets: what the decision tests cannot see through an HTTP client. Its decisions are the main
 * listener's (the forward-auth decision tests ask both; the real proxies ask the main one).
 */
class DedicatedListenerSpeaksPlainHttpTest {
  private static final String ALLOWED =
      "GET /api/authz/forward-auth HTTP/1.1\r\nHost: gatehouse\r\nX-Forwarded-Method: GET\r\n"
          + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: open.example.test\r\n"
          + "X-Forwarded-Uri: /\r\n";

  @TempDir static Path dir;
  static TestGatehouse gh;

  @BeforeAll
  static void start() {
    gh = TestGatehouse.start(dir);
    gh.createApp(
        "{\"name\":\"open\",\"hosts\":[\"open.example.test\"],"
            + "\"rules\":[{\"path\":\"/\",\"policy\":\"public\"}]}");
  }

  @AfterAll
  static void stop() {
    gh.close();
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnectionThenHonoursClose() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 50; i++) {
        socket.getOutputStream().write((ALLOWED + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
      }
      socket
          .getOutputStream()
          .write((ALLOWED + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String last = readResponse(socket.getInputStream());
      assertThat(last).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
      assertThat(socket.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
    }
  }

  @Test
  void garbageIsABadRequestThatClosesTheConnection() throws IOException {
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write("\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      // A line that is no request has no version either: the answer is HTTP/1.0.
      assertThat(readResponse(socket.getInputStream())).matches("(?s)HTTP/1\\.[01] 400 .*");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void otherPathsAreNotFoundAndOtherMethodsNotAllowed() throws IOException {
    for (String request :
        new String[] {
          "GET /api/admin/users HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /login HTTP/1.1\r\nHost: x\r\n\r\n",
          "POST /api/authz/forward-auth HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
        }) {
      try (Socket socket = connect()) {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(socket.getInputStream()))
            .as(request)
            .startsWith(request.startsWith("POST") ? "HTTP/1.1 405 " : "HTTP/1.1 404 ");
      }
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", gh.gatehouse().forwardAuthPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** One response: head up to the blank line, then Content-Length bytes of body. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
