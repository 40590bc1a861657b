package dev.gatehouse.store;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the store does, counted. The adders are the source of truth (tests read them directly); the
 * Prometheus collectors read them on scrape.
 */
public final class StoreMetrics {
  final LongAdder readStatements = new LongAdder();
  final LongAdder writeStatements = new LongAdder();
  final LongAdder transactions = new LongAdder();
  final LongAdder syncs = new LongAdder();
  final LongAdder failedUnits = new LongAdder();
  final LongAdder announcementsHeard = new LongAdder();
  final LongAdder reloads = new LongAdder();
  final AtomicBoolean listening = new AtomicBoolean(true);
  private final LongAccumulator largestBatch = new LongAccumulator(Math::max, 0);
  private final Histogram batchSize;
  private final Histogram readWait;
  private final Histogram writeLatency;

  public StoreMetrics(PrometheusRegistry registry) {
    CounterWithCallback.builder()
        .name("gatehouse_db_statements_total")
        .help("SQL statements executed, by kind")
        .labelNames("kind")
        .callback(
            cb -> {
              cb.call(readStatements.sum(), "read");
              cb.call(writeStatements.sum(), "write");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_db_transactions_total")
        .help("Write transactions (batches) committed")
        .callback(cb -> cb.call(transactions.sum()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_db_syncs_total")
        .help("Syncs of the write-ahead log to disk")
        .callback(cb -> cb.call(syncs.sum()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_db_failed_units_total")
        .help("Units of work that failed and were rolled back alone")
        .callback(cb -> cb.call(failedUnits.sum()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_cluster_announcements_total")
        .help("Changes announced by any node (this one included) that this node re-read")
        .callback(cb -> cb.call(announcementsHeard.sum()))
        .register(registry);
    CounterWithCallback.builder()
        .name("gatehouse_cluster_reloads_total")
        .help("Full reloads of memory after the listening connection was lost and came back")
        .callback(cb -> cb.call(reloads.sum()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("gatehouse_db_reachable")
        .help(
            "1 while the database answers (always 1 on SQLite); 0 while decisions come from memory only")
        .callback(cb -> cb.call(listening.get() ? 1 : 0))
        .register(registry);
    batchSize =
        Histogram.builder()
            .name("gatehouse_db_batch_size")
            .help("Units of work committed together in one transaction")
            .classicOnly()
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            .register(registry);
    readWait =
        Histogram.builder()
            .name("gatehouse_db_read_wait_seconds")
            .help("Time spent waiting for a read connection")
            .classicOnly()
            .classicUpperBounds(0.00001, 0.0001, 0.001, 0.01, 0.1, 1, 10)
            .register(registry);
    writeLatency =
        Histogram.builder()
            .name("gatehouse_db_write_seconds")
            .help("Time from submitting a unit of work to its durable commit")
            .classicOnly()
            .classicUpperBounds(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5)
            .register(registry);
  }

  /** Whether the database answers; on PostgreSQL, whether this node is listening to it. */
  public boolean reachable() {
    return listening.get();
  }

  public long reloads() {
    return reloads.sum();
  }

  public long announcementsHeard() {
    return announcementsHeard.sum();
  }

  public long readStatements() {
    return readStatements.sum();
  }

  public long writeStatements() {
    return writeStatements.sum();
  }

  public long transactions() {
    return transactions.sum();
  }

  public long syncs() {
    return syncs.sum();
  }

  /** Total units committed so far, read from the batch size histogram. */
  public long committedUnits() {
    return (long) batchSize.collect().getDataPoints().get(0).getSum();
  }

  /** The largest number of units committed in one transaction so far. */
  public long largestBatch() {
    return largestBatch.get();
  }

  void batchCommitted(int units) {
    transactions.increment();
    batchSize.observe(units);
    largestBatch.accumulate(units);
  }

  void readWaited(long nanos) {
    readWait.observe(nanos / 1e9);
  }

  void written(long nanos) {
    writeLatency.observe(nanos / 1e9);
  }
}
