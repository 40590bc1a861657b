import dev.gatehouse.config.Config;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.DataClass;
import dev.gatehouse.store.Store;
import dev.gatehouse.store.Writer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acknowledged identity writes per second and p99 write latency for one sync mode at one
 * concurrency, on whatever disk {@code dataDir} is on. Run by run.sh, one JVM per cell, so strace
 * can count the syncs of each cell alone.
 *
 * <p>Each write is one unit: a user row and three membership rows. Modes are the store's log_sync
 * values, plus {@code sync_per_write}: the same units through a plain SQLite connection with
 * synchronous=FULL, each in its own transaction, as an application without group commit does (seed
 * 000's Postgres with synchronous_commit=on behaves the same way).
 *
 * <p>Arguments: {@code dataDir mode writers measureSeconds}. Prints one line: {@code mode writers
 * acked_total writes_per_second p99_ms}.
 */
public final class WriteBenchmark {
  private static final List<String> GROUPS = List.of("bench-a", "bench-b", "bench-c");
  private static final long WARMUP_MILLIS = 1000;

  /** One acknowledged write of the unit, however the mode commits it. */
  private interface Sink {
    void write(String id) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    String mode = args[1];
    int writers = Integer.parseInt(args[2]);
    long measureMillis = Long.parseLong(args[3]) * 1000;
    if (mode.equals("sync_per_write")) {
      try (Connection connection = perWriteConnection(dataDir)) {
        setUp(connection);
        run(mode, writers, measureMillis, id -> perWrite(connection, id));
      }
      return;
    }
    Config config =
        ConfigLoader.load(
            null,
            Map.of(
                "GATEHOUSE_STORAGE_DATA_DIR", dataDir.toString(),
                "GATEHOUSE_STORAGE_LOG_SYNC", mode,
                "GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC", mode));
    try (Store store =
        Store.open(config, new Events(), new PrometheusRegistry(), Set.of("sessions"))) {
      Writer writer = store.writer();
      writer.write(
          tx -> {
            for (String group : GROUPS) {
              tx.update("INSERT INTO groups_ (name, created_at) VALUES (?, 0)", group);
            }
            return null;
          });
      run(
          mode,
          writers,
          measureMillis,
          id ->
              writer.write(
                  DataClass.IDENTITY,
                  tx -> {
                    tx.update(
                        "INSERT INTO users (id, username, created_at, updated_at)"
                            + " VALUES (?, ?, 0, 0)",
                        id,
                        id);
                    for (String group : GROUPS) {
                      tx.update(
                          "INSERT INTO memberships (group_name, user_id) VALUES (?, ?)",
                          group,
                          id);
                    }
                    return null;
                  }));
    }
  }

  private static void run(String mode, int writers, long measureMillis, Sink sink)
      throws InterruptedException {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong total = new AtomicLong();
    Queue<long[]> latencies = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(writers);
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread.ofPlatform()
          .start(
              () -> {
                long[] mine = new long[1024];
                int n = 0;
                try {
                  for (long i = 0; !stop.get(); i++) {
                    long start = System.nanoTime();
                    sink.write("u-" + writer + "-" + i);
                    total.incrementAndGet();
                    if (measuring.get()) {
                      if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                      }
                      mine[n++] = System.nanoTime() - start;
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                } finally {
                  latencies.add(Arrays.copyOf(mine, n));
                  done.countDown();
                }
              });
    }
    Thread.sleep(WARMUP_MILLIS);
    measuring.set(true);
    long startedAt = System.nanoTime();
    Thread.sleep(measureMillis);
    measuring.set(false);
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    stop.set(true);
    done.await();
    long[] all =
        latencies.stream()
            .flatMapToLong(Arrays::stream)
            .sorted()
            .toArray();
    double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, all.length * 0.99)] / 1e6;
    System.out.printf(
        "%s %d %d %.0f %.2f%n", mode, writers, total.get(), all.length / seconds, p99);
  }

  private static Connection perWriteConnection(Path dataDir) throws SQLException {
    Connection connection =
        DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
    try (Statement sql = connection.createStatement()) {
      sql.execute("PRAGMA journal_mode = WAL");
      sql.execute("PRAGMA synchronous = FULL");
    }
    return connection;
  }

  private static void setUp(Connection connection) throws SQLException {
    try (Statement sql = connection.createStatement()) {
      sql.execute(
          "CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
              + " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)");
      sql.execute(
          "CREATE TABLE memberships (group_name TEXT NOT NULL, user_id TEXT NOT NULL"
              + " REFERENCES users (id), PRIMARY KEY (group_name, user_id))");
    }
  }

  /** One transaction and one sync per unit; the lock stands for SQLite's single write lock. */
  private static void perWrite(Connection connection, String id) throws SQLException {
    synchronized (connection) {
      try (Statement sql = connection.createStatement()) {
        sql.execute("BEGIN IMMEDIATE");
        try (PreparedStatement user =
            connection.prepareStatement(
                "INSERT INTO users (id, username, created_at, updated_at) VALUES (?, ?, 0, 0)")) {
          user.setString(1, id);
          user.setString(2, id);
          user.executeUpdate();
        }
        for (String group : GROUPS) {
          try (PreparedStatement membership =
              connection.prepareStatement(
                  "INSERT INTO memberships (group_name, user_id) VALUES (?, ?)")) {
            membership.setString(1, group);
            membership.setString(2, id);
            membership.executeUpdate();
          }
        }
        sql.execute("COMMIT");
      }
    }
  }
}
