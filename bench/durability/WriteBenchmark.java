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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Acknowledged identity writes per second and p99 write latency for one sync mode at one
 * concurrency, on SQLite in {@code dataDir} (on whatever disk that is), or on the PostgreSQL
 * database that {@code GATEHOUSE_DATABASE_URL} (with {@code _USER} and {@code _PASSWORD}) names.
 * Run by bench/durability/run.sh and bench/postgres/run.sh, one JVM per cell, so strace can count
 * the syncs of each cell alone.
 *
 * <p>Each write is one unit: a user row and three membership rows, in Gatehouse's own schema
 * (migrated by opening the store). Modes are the store's log_sync values, plus {@code
 * sync_per_write}: the same units committed one transaction each, as an application without group
 * commit does. On SQLite through one plain connection with synchronous=FULL (SQLite has one write
 * lock anyway); on PostgreSQL through one connection per writer thread, each unit a transaction
 * committed as the server is configured (synchronous_commit=on: a WAL flush per commit).
 *
 * <p>Arguments: {@code dataDir mode writers measureSeconds}. Prints one line: {@code mode writers
 * acked_total writes_per_second p99_ms}.
 */
public final class WriteBenchmark {
  private static final List<String> GROUPS = List.of("bench-a", "bench-b", "bench-c");
  private static final long WARMUP_MILLIS = 1000;
  private static final String PER_WRITE = "sync_per_write";
  private static final String USER_ROW =
      "INSERT INTO users (id, username, created_at, updated_at) VALUES (?, ?, 0, 0)";
  private static final String MEMBERSHIP_ROW =
      "INSERT INTO memberships (group_name, user_id) VALUES (?, ?)";

  /** One acknowledged write of the unit, however the mode commits it. */
  private interface Sink {
    void write(String id) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    String mode = args[1];
    int writers = Integer.parseInt(args[2]);
    long measureMillis = Long.parseLong(args[3]) * 1000;
    Map<String, String> env = new HashMap<>();
    for (String key :
        List.of("GATEHOUSE_DATABASE_URL", "GATEHOUSE_DATABASE_USER", "GATEHOUSE_DATABASE_PASSWORD")) {
      String value = System.getenv(key);
      if (value != null) {
        env.put(key, value);
      }
    }
    env.put("GATEHOUSE_STORAGE_DATA_DIR", dataDir.toString());
    boolean perWrite = mode.equals(PER_WRITE);
    if (!perWrite) {
      env.put("GATEHOUSE_STORAGE_LOG_SYNC", mode);
      env.put("GATEHOUSE_STORAGE_EPHEMERAL_LOG_SYNC", mode);
    }
    Config config = ConfigLoader.load(null, env);
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
      if (!perWrite) {
        Sink sink =
            id ->
                writer.write(
                    DataClass.IDENTITY,
                    tx -> {
                      tx.update(USER_ROW, id, id);
                      for (String group : GROUPS) {
                        tx.update(MEMBERSHIP_ROW, group, id);
                      }
                      return null;
                    });
        run(mode, writers, measureMillis, w -> sink);
        return;
      }
    }
    String url = config.database().url();
    List<Connection> connections = new ArrayList<>();
    try {
      if (url.isEmpty()) {
        Connection sqlite = sqliteConnection(dataDir);
        connections.add(sqlite);
        run(mode, writers, measureMillis, w -> id -> perWrite(sqlite, "BEGIN IMMEDIATE", id));
      } else {
        for (int w = 0; w < writers; w++) {
          connections.add(
              DriverManager.getConnection(
                  url, config.database().user(), config.database().password()));
        }
        run(mode, writers, measureMillis, w -> id -> perWrite(connections.get(w), "BEGIN", id));
      }
    } finally {
      for (Connection connection : connections) {
        connection.close();
      }
    }
  }

  private static void run(String mode, int writers, long measureMillis, IntFunction<Sink> sinks)
      throws InterruptedException {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong total = new AtomicLong();
    Queue<long[]> latencies = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(writers);
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Sink sink = sinks.apply(w);
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

  /** The store's SQLite file, opened again without the store: WAL, a sync at every commit. */
  private static Connection sqliteConnection(Path dataDir) throws SQLException {
    Connection connection =
        DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("gatehouse.db"));
    try (Statement sql = connection.createStatement()) {
      sql.execute("PRAGMA journal_mode = WAL");
      sql.execute("PRAGMA synchronous = FULL");
    }
    return connection;
  }

  /**
   * One transaction, so one commit and one sync, per unit. The lock matters on SQLite only, where
   * every writer shares the connection (standing for SQLite's single write lock); on PostgreSQL
   * each writer has a connection of its own.
   */
  private static void perWrite(Connection connection, String begin, String id)
      throws SQLException {
    synchronized (connection) {
      try (Statement sql = connection.createStatement()) {
        sql.execute(begin);
        try (PreparedStatement user = connection.prepareStatement(USER_ROW)) {
          user.setString(1, id);
          user.setString(2, id);
          user.executeUpdate();
        }
        for (String group : GROUPS) {
          try (PreparedStatement membership = connection.prepareStatement(MEMBERSHIP_ROW)) {
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
