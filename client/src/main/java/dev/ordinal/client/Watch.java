package dev.ordinal.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.TimeUnit;

/** A stream of changes; close it to stop. */
public interface Watch extends AutoCloseable {

  /** One change: type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  record Event(String type, ObjectNode object) {}

  /**
   * The next event, or null when none arrived in time.
   *
   * @throws WatchClosedException when the stream has ended (the caller re-lists or re-watches)
   */
  Event next(long timeout, TimeUnit unit) throws InterruptedException;

  @Override
  void close();

  /** The watch ended on the server's side. */
  final class WatchClosedException extends RuntimeException {
    public WatchClosedException(String message) {
      super(message);
    }
  }
}
