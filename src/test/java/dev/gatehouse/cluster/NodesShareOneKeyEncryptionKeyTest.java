package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of one cluster sign with the same keys, sealed under one key encryption key: nodes starting
 * together on an empty database make one set of keys between them, and a node started with another
 * KEK refuses to start, naming the setting, instead of failing at its first signature.
 */
@Tag(TestBackend.OWN_DATABASE)
class NodesShareOneKeyEncryptionKeyTest {
  @TempDir Path dir;

  @Test
  void nodesStartingTogetherMakeOneSetOfSigningKeys() {
    try (Cluster cluster = new Cluster(dir)) {
      CompletableFuture<TestGatehouse> a = CompletableFuture.supplyAsync(cluster::start);
      CompletableFuture<TestGatehouse> b = CompletableFuture.supplyAsync(cluster::start);
      List<String> kidsOnA = kids(a.join());
      List<String> kidsOnB = kids(b.join());
      assertThat(kidsOnA).hasSize(3).containsExactlyInAnyOrderElementsOf(kidsOnB);
    }
  }

  @Test
  void aNodeWithAnotherKeyEncryptionKeyRefusesToStart() {
    try (Cluster cluster = new Cluster(dir)) {
      cluster.start();
      byte[] other = new byte[32];
      new SecureRandom().nextBytes(other);
      assertThatThrownBy(
              () ->
                  cluster.start(
                      Map.of(
                          "GATEHOUSE_OIDC_KEY_ENCRYPTION_KEY",
                          Base64.getEncoder().encodeToString(other))))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("oidc.key_encryption_key")
          .hasMessageContaining("every node");
    }
  }

  private static List<String> kids(TestGatehouse node) {
    JsonNode jwks = node.send("GET", "/.well-known/jwks.json", null, null).json();
    List<String> kids = new ArrayList<>();
    jwks.get("keys").forEach(k -> kids.add(k.get("kid").asText()));
    return kids;
  }
}
