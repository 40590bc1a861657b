package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.TestGatehouse;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of connections that send 60 KB of headers without their end, and others that send
 * nothing, against every listener at once (public, {@code [forward_auth] listen}, {@code [metrics]
 * listen}): the process stays up, an ordinary client is answered within seconds all along, the heap
 * stays far under its cap (surefire runs with -Xmx512m; before the connection guard, 4,435 such
 * connections exhausted it in 1.3 s), and the connections are closed by the header budget or the
 * header timeout.
 *
 * <p>Client and server share this JVM, so each connection takes two file descriptors; the number of
 * connections is scaled down when {@code ulimit -n} is too low for it (printed when so).
 */
class SlowHeadersCannotExhaustTheHeapTest {
  /**
   * The attack is built to load the heap: a young collection copying tens of MB of half-read
   * headers, on two busy cores, can hold a loop past the usual test limit without any blocking
   * call. A loop held a whole second would still be caught.
   */
  private static final String GC_TOLERANT_BLOCK_MS = "1000";

  private static final int HEADER_BYTES = 60 * 1024;
  private static final int PARTIAL_PER_PORT = 1_500;
  private static final int SILENT_PER_PORT = 500;

  /** After any full collection during the attack the old generation stays under this share. */
  private static final double OLD_GEN_CAP_SHARE = 0.75;

  @TempDir Path dir;
  private final List<MemoryPoolMXBean> watchedPools = new ArrayList<>();

  @BeforeEach
  void watchTheHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      // The old generation only: a survivor space three quarters full after a young collection
      // is ordinary, and the young pools say nothing about what the heap holds.
      if (pool.getType() == MemoryType.HEAP
          && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))
          && pool.isCollectionUsageThresholdSupported()
          && pool.getUsage().getMax() > 0) {
        pool.setCollectionUsageThreshold((long) (pool.getUsage().getMax() * OLD_GEN_CAP_SHARE));
        watchedPools.add(pool);
      }
    }
  }

  @AfterEach
  void stopWatching() {
    watchedPools.forEach(pool -> pool.setCollectionUsageThreshold(0));
  }

  /** Times a pool was over its threshold after a collection since the test began. */
  private long heapOverThreshold() {
    return watchedPools.stream()
        .mapToLong(MemoryPoolMXBean::getCollectionUsageThresholdCount)
        .sum();
  }

  /** Request line and header lines of about 1 KB each, {@code HEADER_BYTES} in all, no end. */
  private static byte[] partialHeaders() {
    StringBuilder text = new StringBuilder("GET /health/ready HTTP/1.1\r\nHost: test\r\n");
    for (int i = 0; text.length() < HEADER_BYTES - 1100; i++) {
      text.append("X-Pad-").append(i).append(": ").append("p".repeat(1000)).append("\r\n");
    }
    text.append("X-Last: ").append("q".repeat(HEADER_BYTES - text.length() - 8));
    return text.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Connections this JVM may open: each is two descriptors here (client and server end). */
  private static int connectionsAllowed(int wanted) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        if (soft.equals("unlimited")) {
          return wanted;
        }
        int allowed = (Integer.parseInt(soft) - 2_000) / 2;
        if (allowed < wanted) {
          System.out.printf(
              "open-file limit %s: %d attack connections instead of %d%n", soft, allowed, wanted);
        }
        return Math.min(wanted, allowed);
      }
    }
    return wanted;
  }

  /**
   * What the attack left: {@code channels} that were opened and sent all they meant to; {@code cut}
   * connections were refused or closed by the server before that.
   */
  private record Attack(List<SocketChannel> channels, int attempted, int cut, long millis)
      implements AutoCloseable {
    /** How many of {@link #channels} the server has closed since. */
    int closedByServer() {
      int closed = 0;
      ByteBuffer one = ByteBuffer.allocate(1);
      for (SocketChannel channel : channels) {
        try {
          channel.configureBlocking(false);
          one.clear();
          if (channel.read(one) != 0) {
            closed++;
          }
        } catch (IOException e) {
          closed++; // reset
        }
      }
      return closed;
    }

    @Override
    public void close() {
      channels.forEach(SlowHeadersCannotExhaustTheHeapTest::closeQuietly);
    }
  }

  /**
   * Opens {@code partial} connections that send {@link #partialHeaders} and {@code silent} ones
   * that send nothing, to each of {@code ports}, interleaved, 256 at a time, on virtual threads.
   */
  private static Attack attack(int[] ports, int partial, int silent) throws InterruptedException {
    byte[] headers = partialHeaders();
    List<SocketChannel> channels = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger attempted = new AtomicInteger();
    AtomicInteger cut = new AtomicInteger();
    Semaphore inFlight = new Semaphore(256);
    long start = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      int each = partial + silent;
      for (int i = 0; i < each; i++) {
        boolean sends = (long) i * partial / each != (long) (i + 1) * partial / each;
        for (int port : ports) {
          inFlight.acquire();
          threads.execute(
              () -> {
                attempted.incrementAndGet();
                SocketChannel channel = null;
                try {
                  channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                  if (sends) {
                    ByteBuffer bytes = ByteBuffer.wrap(headers);
                    while (bytes.hasRemaining()) {
                      channel.write(bytes);
                    }
                  }
                  channels.add(channel);
                } catch (IOException e) {
                  cut.incrementAndGet(); // refused, or closed by the server while sending
                  closeQuietly(channel);
                } finally {
                  inFlight.release();
                }
              });
        }
      }
      threads.shutdown();
      assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).as("attack sent").isTrue();
    }
    return new Attack(
        new ArrayList<>(channels),
        attempted.get(),
        cut.get(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /**
   * Waits until the server has taken in every byte sent to {@code ports}: no connection to them is
   * waiting to be accepted, and the kernel holds no byte unread by the server nor unsent by a
   * client ({@code /proc/net/tcp}, Linux). Until then a measure of the heap would miss what is
   * still in the sockets. Returns the milliseconds waited, -1 where there is no such table.
   */
  private static long awaitServerReadAll(int[] ports) throws IOException, InterruptedException {
    Path[] tables = {Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6")};
    if (!Files.isReadable(tables[0])) {
      return -1;
    }
    Set<String> watched = new HashSet<>();
    for (int port : ports) {
      watched.add(String.format("%04X", port));
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long queued = 0;
      for (Path table : tables) {
        if (!Files.isReadable(table)) {
          continue;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.strip().split("\\s+");
          String local = f[1].substring(f[1].indexOf(':') + 1);
          String remote = f[2].substring(f[2].indexOf(':') + 1);
          String[] queues = f[4].split(":");
          if (watched.contains(local)) {
            queued += Long.parseLong(queues[1], 16); // unread by the server, or not accepted
          }
          if (watched.contains(remote)) {
            queued += Long.parseLong(queues[0], 16); // not yet sent by the client
          }
        }
      }
      if (queued == 0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      assertThat(System.nanoTime())
          .as("server read the attack, %d bytes left", queued)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** An ordinary client asking /health/ready over and over, on fresh connections. */
  private static final class OrdinaryClient implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong worstMillis = new AtomicLong();
    private final AtomicInteger answered = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    OrdinaryClient(int port) {
      thread =
          Thread.ofPlatform()
              .name("ordinary-client")
              .start(
                  () -> {
                    while (running.get()) {
                      ask(port);
                      try {
                        Thread.sleep(100);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    /** One request; returns its latency in milliseconds. */
    long ask(int port) {
      long start = System.nanoTime();
      try (RawHttp conn = RawHttp.connect(port)) {
        int status =
            conn.exchange("GET /health/ready HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                .status();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (status == 200) {
          answered.incrementAndGet();
          worstMillis.accumulateAndGet(millis, Math::max);
        } else {
          failures.add("status " + status);
        }
        return millis;
      } catch (RuntimeException e) {
        failures.add(e.toString());
        return -1;
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Memory outside the heap's objects that the connections' bytes may sit in: JDK direct buffers,
   * and the direct memory of Netty's default allocator (the one Vert.x reads into).
   */
  private static long directMemory() {
    long jdk =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct"))
            .mapToLong(BufferPoolMXBean::getMemoryUsed)
            .sum();
    long netty =
        ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider metrics
            ? metrics.metric().usedDirectMemory()
            : 0;
    return jdk + Math.max(0, netty);
  }

  private static long mb(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static int[] ports(TestGatehouse gh) {
    return new int[] {
      gh.gatehouse().port(), gh.gatehouse().forwardAuthPort(), gh.gatehouse().metricsPort()
    };
  }

  @Test
  void withSmallLimitsEveryAttackConnectionIsClosedAndTheServerKeepsAnswering() throws Exception {
    int wanted = 3 * (PARTIAL_PER_PORT + SILENT_PER_PORT);
    double scale = (double) connectionsAllowed(wanted) / wanted;
    int partial = (int) (PARTIAL_PER_PORT * scale);
    int silent = (int) (SILENT_PER_PORT * scale);
    long budget = 8L * 1024 * 1024;
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of(
                    "GATEHOUSE_SERVER_HEADER_TIMEOUT_MS",
                    "1000",
                    "GATEHOUSE_SERVER_MAX_PENDING_HEADER_BYTES",
                    Long.toString(budget),
                    "GATEHOUSE_SERVER_MAX_EVENT_LOOP_BLOCK_MS",
                    GC_TOLERANT_BLOCK_MS)))) {
      double refusedBefore = gh.metric("gatehouse_http_connections_refused_total");
      long heapBefore = usedHeapAfterGc();
      Attack attack;
      long readMillis;
      OrdinaryClient client = new OrdinaryClient(gh.gatehouse().port());
      try (client) {
        attack = attack(ports(gh), partial, silent);
        readMillis = awaitServerReadAll(ports(gh));
      }
      try (attack) {
        assertThat(client.failures).as("the ordinary client during the attack").isEmpty();
        assertThat(client.answered.get()).isPositive();
        assertThat(client.worstMillis.get()).as("its worst latency, ms").isLessThan(10_000);

        // Every attack connection is closed: by the header budget, or after the header timeout.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (attack.closedByServer() < attack.channels().size() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        assertThat(attack.closedByServer())
            .as("attack connections the server closed after they sent")
            .isEqualTo(attack.channels().size());
        long heapAfter = usedHeapAfterGc();
        System.out.printf(
            "small limits: %d connections (%d partial x 60 KB, %d silent) on 3 ports in %d ms,"
                + " all read by the server %d ms later, %d cut while sending; ordinary client %d answers, worst %d ms; heap after GC"
                + " %d MB before, %d MB after; direct %d MB%n",
            attack.attempted(),
            3 * partial,
            3 * silent,
            attack.millis(),
            readMillis,
            attack.cut(),
            client.answered.get(),
            client.worstMillis.get(),
            mb(heapBefore),
            mb(heapAfter),
            mb(directMemory()));
        assertThat(heapOverThreshold()).as("heap over 75% after a collection").isZero();
        // The budget closed at least every partial connection past what it can hold.
        double refused = gh.metric("gatehouse_http_connections_refused_total") - refusedBefore;
        assertThat(refused).isGreaterThanOrEqualTo(3.0 * partial - budget / HEADER_BYTES);
        assertThat(gh.metric("gatehouse_http_connections")).isLessThan(10);
        assertThat(gh.gatehouse().blockedEventLoops()).as("loops held past 1 s").isZero();
      }
    }
  }

  @Test
  void withTheDefaultLimitsTheHeapHoldsWhileTheConnectionsAreOpen() throws Exception {
    int wanted = 3 * (PARTIAL_PER_PORT + SILENT_PER_PORT);
    double scale = (double) connectionsAllowed(wanted) / wanted;
    int partial = (int) (PARTIAL_PER_PORT * scale);
    int silent = (int) (SILENT_PER_PORT * scale);
    try (TestGatehouse gh =
        TestGatehouse.start(
            dir,
            TestGatehouse.withMetrics(
                Map.of("GATEHOUSE_SERVER_MAX_EVENT_LOOP_BLOCK_MS", GC_TOLERANT_BLOCK_MS)))) {
      long heapBefore = usedHeapAfterGc();
      Attack attack;
      long readMillis;
      OrdinaryClient client = new OrdinaryClient(gh.gatehouse().port());
      try (client) {
        attack = attack(ports(gh), partial, silent);
        readMillis = awaitServerReadAll(ports(gh));
      }
      try (attack) {
        // The default header timeout (10 s) has not passed for most: they are open now.
        long heapHeld = usedHeapAfterGc();
        long direct = directMemory();
        long probeMillis = client.ask(gh.gatehouse().port());
        int held = attack.channels().size() - attack.closedByServer();
        double open = gh.metric("gatehouse_http_connections");
        System.out.printf(
            "default limits: %d connections (%d partial x 60 KB, %d silent) on 3 ports in %d ms,"
                + " all read by the server %d ms later, %d cut while sending, %d still open (server counts %.0f); ordinary client %d answers during, worst"
                + " %d ms, %d ms with the attack open; heap after GC %d MB before, %d MB with the"
                + " attack open; direct %d MB; max heap %d MB%n",
            attack.attempted(),
            3 * partial,
            3 * silent,
            attack.millis(),
            readMillis,
            attack.cut(),
            held,
            open,
            client.answered.get(),
            client.worstMillis.get(),
            probeMillis,
            mb(heapBefore),
            mb(heapHeld),
            mb(direct),
            mb(Runtime.getRuntime().maxMemory()));
        assertThat(client.failures).as("the ordinary client").isEmpty();
        assertThat(probeMillis).as("answered with the attack open, ms").isBetween(0L, 5_000L);
        // While the loops read the 270 MB sent; room left for a machine busy with other work.
        assertThat(client.worstMillis.get())
            .as("worst latency during the attack")
            .isLessThan(10_000);
        assertThat(held).as("attack connections still open").isGreaterThan(3 * silent / 2);
        assertThat(heapHeld).isLessThan(Runtime.getRuntime().maxMemory() / 2);
        // Netty reads into direct memory, which by default may grow as large as the heap.
        assertThat(direct).isLessThan(Runtime.getRuntime().maxMemory() / 4);
        assertThat(heapOverThreshold()).as("heap over 75% after a collection").isZero();
        assertThat(gh.gatehouse().blockedEventLoops()).as("loops held past 1 s").isZero();
      }
    }
  }
}
