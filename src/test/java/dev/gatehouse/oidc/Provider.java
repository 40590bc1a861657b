package dev.gatehouse.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.testing.TestGatehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

/** A test Gatehouse whose public URL (the issuer) is its real loopback address, with a user. */
final class Provider {
  static final String PASSWORD = "correct horse battery";

  private Provider() {}

  static TestGatehouse start(Path dir) {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestGatehouse gh =
        TestGatehouse.start(
            dir,
            Map.of(
                "GATEHOUSE_SERVER_LISTEN", "127.0.0.1:" + port,
                "GATEHOUSE_SERVER_PUBLIC_URL", "http://127.0.0.1:" + port));
    gh.post("/api/admin/groups", "{\"name\":\"staff\"}");
    var alice =
        gh.post(
            "/api/admin/users",
            "{\"username\":\"alice\",\"email\":\"alice@example.test\",\"display_name\":\"Alice"
                + " Liddell\",\"password\":\""
                + PASSWORD
                + "\",\"groups\":[\"staff\"]}");
    if (alice.status() != 201) {
      throw new IllegalStateException(alice.body());
    }
    return gh;
  }

  /** Creates a client from JSON and returns the response (with client_secret when confidential). */
  static JsonNode client(TestGatehouse gh, String json) {
    var created = gh.post("/api/admin/clients", json);
    if (created.status() != 201) {
      throw new IllegalStateException(created.body());
    }
    return created.json();
  }
}
