package dev.ordinal.apiserver.audit;

import dev.ordinal.threads.Blocking;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log file: lines handed over by request threads are written by one platform thread of
 * its own, so no request waits for the disk (see ARCHITECTURE.md, "Threads"). The hand-over is a
 * bounded queue; when it is full the line is dropped and counted, never waited for — as upstream's
 * buffered backend, the log gives way before the API does. The file is rotated before a line
 * would take it past {@code maxBytes}: {@code audit.log} becomes {@code audit.log.1}, older
 * backups move up one, and those beyond {@code maxBackups} are deleted (0: all kept, as
 * upstream's {@code --audit-log-maxbackup}). Files are the owner's only (0600, directory 0700).
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  /** upstream's default buffer of the batching audit backend. */
  public static final int DEFAULT_CAPACITY = 10_000;
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path file;
  private final long maxBytes;
  private final int maxBackups;
  private final BlockingQueue<byte[]> queue;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final Thread writer;
  private volatile boolean closing;

  // written by the writer thread only
  private OutputStream out;
  private long size;

  /**
   * Opens (or creates) the log and starts its writer.
   *
   * @param maxBytes rotate before the file would grow past this; 0 never rotates
   * @param maxBackups rotated files kept; 0 keeps all
   * @param capacity lines waiting for the writer before new ones are dropped
   */
  public AuditLog(Path file, long maxBytes, int maxBackups, int capacity) throws IOException {
    this.file = file.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.maxBackups = maxBackups;
    this.queue = new ArrayBlockingQueue<>(capacity);
    Path dir = this.file.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    open();
    writer = Blocking.start("audit-log", this::drain);
  }

  public AuditLog(Path file, long maxBytes, int maxBackups) throws IOException {
    this(file, maxBytes, maxBackups, DEFAULT_CAPACITY);
  }

  public Path file() {
    return file;
  }

  /**
   * Hands one line (without its newline) to the writer. Never blocks: returns false, and counts
   * the line as dropped, when the writer is that far behind or the log is closed.
   */
  public boolean append(byte[] line) {
    if (closing || !queue.offer(line)) {
      long n = dropped.incrementAndGet();
      long now = System.nanoTime();
      long last = lastWarning.get();
      if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
        log.warn("audit log {} is behind: {} event(s) dropped so far", file, n);
      }
      return false;
    }
    accepted.incrementAndGet();
    return true;
  }

  /** Lines dropped since the log was opened (queue full, closed, or not writable). */
  public long dropped() {
    return dropped.get();
  }

  /**
   * Waits until every line accepted before this call is written and flushed (or dropped for an
   * I/O error); false when that takes longer than {@code timeout}. For tests and orderly stops.
   */
  public boolean sync(Duration timeout) throws InterruptedException {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (written.get() < target) {
      if (System.nanoTime() > deadline || !writer.isAlive()) {
        return written.get() >= target;
      }
      Thread.sleep(2);
    }
    return true;
  }

  /** Writes what is queued, then stops the writer and closes the file. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    try {
      while (true) {
        byte[] line = queue.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          if (closing) {
            return;
          }
          continue;
        }
        do {
          write(line);
        } while ((line = queue.poll()) != null);
        flush();
      }
    } catch (InterruptedException e) {
      // stopping: what was not drained is lost
    } finally {
      closeQuietly();
    }
  }

  private void write(byte[] line) {
    try {
      if (out == null) {
        open();
      }
      if (maxBytes > 0 && size > 0 && size + line.length + 1 > maxBytes) {
        rotate();
      }
      out.write(line);
      out.write('\n');
      size += line.length + 1;
    } catch (IOException e) {
      dropped.incrementAndGet();
      log.error("cannot write the audit log {}: {}", file, e.getMessage());
      closeQuietly();
    } finally {
      written.incrementAndGet();
    }
  }

  private void flush() {
    try {
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      log.error("cannot write the audit log {}: {}", file, e.getMessage());
      closeQuietly();
    }
  }

  private void open() throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND), 64 * 1024);
    size = Files.size(file);
  }

  private void rotate() throws IOException {
    out.close();
    out = null;
    int keep = maxBackups > 0 ? maxBackups : highestBackup() + 1;
    Files.deleteIfExists(backup(keep));
    for (int i = keep - 1; i >= 1; i--) {
      if (Files.exists(backup(i))) {
        Files.move(backup(i), backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, backup(1), StandardCopyOption.REPLACE_EXISTING);
    open();
  }

  private int highestBackup() {
    int i = 0;
    while (Files.exists(backup(i + 1))) {
      i++;
    }
    return i;
  }

  /** {@code audit.log.N}: 1 the newest. */
  Path backup(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private void closeQuietly() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      // the file is gone or the disk is full; the next write reopens
    }
    out = null;
  }
}
