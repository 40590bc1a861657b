package dev.gatehouse.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.store.Writer;
import dev.gatehouse.testing.Cluster;
import dev.gatehouse.testing.TestBackend;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that must run once in a cluster (expired sessions, the audit purge) take PostgreSQL's
 * transaction-level advisory lock: while another node's transaction holds a job, this node skips it
 * without waiting; when that node commits, or dies with its connection, the job is free again.
 */
@Tag(TestBackend.OWN_DATABASE)
class JobsRunOnOneNodeAtATimeTest {
  /** As {@code store.Tx} keys a job: Gatehouse's range, then the job name's hash. */
  private static final int RANGE = 0x6768;

  @TempDir Path dir;

  @Test
  void aJobHeldByAnotherNodeIsSkippedUntilItCommitsOrDies() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      TestGatehouse node = cluster.start();
      Writer writer = node.gatehouse().store().writer();
      String db = cluster.database().name();
      try (Connection other = cluster.postgres().connect(db)) {
        other.setAutoCommit(false);
        hold(other, "sessions cleanup");
        assertThat(runsAlone(writer, "sessions cleanup")).isFalse();
        assertThat(runsAlone(writer, "audit purge")).isTrue();
        other.commit();
        assertThat(runsAlone(writer, "sessions cleanup")).isTrue();

        // A node that dies mid-job (its connection ends) hands the job on.
        hold(other, "audit purge");
        assertThat(runsAlone(writer, "audit purge")).isFalse();
        other.abort(Executors.newSingleThreadExecutor());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      boolean free = false;
      while (!free && System.nanoTime() < deadline) {
        free = runsAlone(writer, "audit purge");
      }
      assertThat(free).isTrue();
    }
  }

  private static boolean runsAlone(Writer writer, String job) {
    Boolean alone = writer.write(tx -> tx.runsAlone(job));
    return Boolean.TRUE.equals(alone);
  }

  private static void hold(Connection connection, String job) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + RANGE + ", " + job.hashCode() + ")");
    }
  }
}
