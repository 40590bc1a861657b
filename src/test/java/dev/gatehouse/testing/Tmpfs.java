package dev.gatehouse.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test, to run out of space or go read-only for real. Needs the right
 * to mount (root in the build container); without it the test is skipped, saying why.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code size} (as mount takes it, e.g. {@code 4m}) on {@code dir}. */
  public static Tmpfs mount(Path dir, String size) throws IOException {
    Files.createDirectories(dir);
    String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    Assumptions.assumeTrue(
        failure.isEmpty(), "skipped: this test needs to mount a small tmpfs (" + failure + ")");
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  /**
   * Fills the file system with {@code filler} until a write fails for lack of space. Returns the
   * file, to delete when space should come back.
   */
  public Path fill() throws IOException {
    Path filler = dir.resolve("filler");
    byte[] chunk = new byte[64 * 1024];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return filler;
  }

  /** Remounts read-only; the kernel refuses while any file on it is open for writing. */
  public void remount(boolean readOnly) throws IOException {
    String failure = run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString());
    if (!failure.isEmpty()) {
      throw new IOException("remount failed: " + failure);
    }
  }

  @Override
  public void close() throws IOException {
    String failure = run("umount", dir.toString());
    if (!failure.isEmpty()) {
      throw new IOException("umount failed: " + failure);
    }
  }

  /** Runs a command; returns what it printed when it failed, or "" when it succeeded. */
  private static String run(String... command) throws IOException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return String.join(" ", command) + " timed out";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.exitValue() == 0
        ? ""
        : String.join(" ", command) + ": exit " + process.exitValue() + " " + output.strip();
  }
}
