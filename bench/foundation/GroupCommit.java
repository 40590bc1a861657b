// Group commit under concurrency, in process: N virtual-thread writers each insert rows through
// dev.gatehouse.store.Store's one writer for a fixed time; prints writes/s and StoreMetrics' batch
// figures. Run with the shaded jar on the class path (single-file source launch, no build step):
//   java -cp target/gatehouse.jar bench/foundation/GroupCommit.java DATA_DIR SECONDS 1 16 64
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.event.Events;
import dev.gatehouse.store.Store;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

public class GroupCommit {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seconds = Long.parseLong(args[1]);
    System.out.printf("%-8s %10s %12s %12s %12s %12s%n",
        "writers", "writes/s", "transactions", "mean batch", "largest", "p99 wait ms");
    for (int i = 2; i < args.length; i++) {
      int writers = Integer.parseInt(args[i]);
      Path data = dir.resolve("w" + writers);
      var config = ConfigLoader.load(null, Map.of("GATEHOUSE_STORAGE_DATA_DIR", data.toString()));
      try (Store store = Store.open(config, new Events(), new PrometheusRegistry(), java.util.Set.of())) {
        var metrics = store.metrics();
        long tx0 = metrics.transactions(), units0 = metrics.committedUnits();
        AtomicLong seq = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<long[]> waits = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          long[] mine = new long[200_000];
          waits.add(mine);
          threads.add(Thread.ofVirtual().start(() -> {
            int n = 0;
            while (System.nanoTime() < deadline) {
              long t0 = System.nanoTime();
              long id = seq.incrementAndGet();
              store.writer().write(tx -> tx.update(
                  "INSERT INTO groups_ (name, created_at) VALUES (?, ?)", "bench-" + id, id));
              if (n < mine.length) mine[n++] = System.nanoTime() - t0;
            }
          }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) t.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long txs = metrics.transactions() - tx0, units = metrics.committedUnits() - units0;
        List<Long> all = new ArrayList<>();
        for (long[] mine : waits) for (long v : mine) if (v > 0) all.add(v);
        all.sort(null);
        double p99 = all.isEmpty() ? 0 : all.get((int) (all.size() * 0.99)) / 1e6;
        System.out.printf("%-8d %10.0f %12d %12.1f %12d %12.1f%n",
            writers, units / elapsed, txs, (double) units / txs, metrics.largestBatch(), p99);
      }
    }
  }
}
