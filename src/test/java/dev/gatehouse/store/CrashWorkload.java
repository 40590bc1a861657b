package dev.gatehouse.store;

import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.Events;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process {@link AcknowledgedWritesSurviveProcessKillTest} kills: opens the store on a data
 * directory and writes as fast as it can from several threads until it is killed. Each write the
 * writer acknowledges is appended to the acknowledgement file right after {@code write} returns,
 * one unbuffered line each ({@code <class> <id> <epoch ms>}), so a line reaches the OS before the
 * next write starts and survives the kill.
 *
 * <p>Identity units insert a user and its three memberships; ephemeral units insert two session
 * rows. Each is all-or-nothing, which is what the test checks after the kill.
 *
 * <p>Arguments: {@code dataDir ackFile runTag log_sync ephemeral_log_sync cache_storage_disk}.
 */
public final class CrashWorkload {
  static final List<String> GROUPS = List.of("crash-a", "crash-b", "crash-c");
  static final String ANCHOR_USER = "crash-anchor";
  private static final int THREADS = 8;

  private CrashWorkload() {}

  public static void main(String[] args) throws IOException {
    Path dataDir = Path.of(args[0]);
    Path ackFile = Path.of(args[1]);
    String runTag = args[2];
    Config config =
        ConfigLoader.load(
            null,
            Map.of(
                "GATEHOUSE_STORAGE_DATA_DIR",
                dataDir.toString(),
                "GATEHOUSE_STORAGE_LOG_SYNC",
                args[3],
                "GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC",
                args[4],
                "GATEHOUSE_STORAGE_CACHE_STORAGE_DISK",
                args[5],
                // Checkpoint and rewind the WAL often, so kills also land around checkpoints.
                "GATEHOUSE_STORAGE_WAL_CHECKPOINT_PAGES",
                "10",
                "GATEHOUSE_STORAGE_WAL_SIZE_LIMIT_BYTES",
                "0"));
    Store store =
        Store.open(
            config, new Events(), new PrometheusRegistry(), Set.of("sessions", "pairing_codes"));
    Writer writer = store.writer();
    writer.write(
        tx -> {
          for (String group : GROUPS) {
            tx.update("INSERT OR IGNORE INTO groups_ (name, created_at) VALUES (?, 0)", group);
          }
          tx.update(
              "INSERT OR IGNORE INTO users (id, username, created_at, updated_at)"
                  + " VALUES (?, ?, 0, 0)",
              ANCHOR_USER,
              ANCHOR_USER);
          return null;
        });
    OutputStream acks =
        Files.newOutputStream(ackFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    for (int t = 0; t < THREADS; t++) {
      String prefix = runTag + "-" + t + "-";
      Thread.ofPlatform().start(() -> writeUntilKilled(writer, acks, prefix));
    }
    System.out.println("ready");
    System.out.flush();
  }

  private static void writeUntilKilled(Writer writer, OutputStream acks, String prefix) {
    for (long n = 0; ; n++) {
      String id = prefix + n;
      DataClass dataClass = n % 2 == 0 ? DataClass.IDENTITY : DataClass.EPHEMERAL;
      writer.write(
          dataClass,
          tx -> {
            if (dataClass == DataClass.IDENTITY) {
              tx.update(
                  "INSERT INTO users (id, username, created_at, updated_at) VALUES (?, ?, 0, 0)",
                  id,
                  id);
              for (String group : GROUPS) {
                tx.update("INSERT INTO memberships (group_name, user_id) VALUES (?, ?)", group, id);
              }
            } else {
              for (String half : List.of("-a", "-b")) {
                tx.update(
                    "INSERT INTO sessions (id_digest, user_id, created_at, last_seen, expires_at)"
                        + " VALUES (?, ?, 0, 0, 0)",
                    id + half,
                    ANCHOR_USER);
              }
            }
            return null;
          });
      byte[] line =
          (dataClass + " " + id + " " + System.currentTimeMillis() + "\n")
              .getBytes(StandardCharsets.UTF_8);
      synchronized (acks) {
        try {
          acks.write(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
