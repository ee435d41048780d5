package dev.ordinal.controllers.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * Brings one key's world to what it should be. Level-triggered: it re-reads the current state
 * every time. Throwing requeues the key with back-off.
 */
public interface Reconciler {

  /** Returns a delay after which the key should be looked at again, or empty when done. */
  Optional<Duration> reconcile(String key) throws Exception;
}
