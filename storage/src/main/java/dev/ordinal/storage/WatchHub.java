package dev.ordinal.storage;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live watches. Writers publish each committed change here while still holding the write lock,
 * so every subscription receives changes in revision order and a subscription added under the same
 * lock knows exactly which revision its live feed starts after.
 */
final class WatchHub {
  private final CopyOnWriteArrayList<WatchSubscription> subscriptions =
      new CopyOnWriteArrayList<>();

  void add(WatchSubscription subscription) {
    subscriptions.add(subscription);
  }

  void remove(WatchSubscription subscription) {
    subscriptions.remove(subscription);
  }

  /** Hands the event to every matching subscription; never blocks. */
  void publish(WatchEvent event) {
    for (WatchSubscription subscription : subscriptions) {
      subscription.offerLive(event);
    }
  }

  void closeAll() {
    for (WatchSubscription subscription : subscriptions) {
      subscription.close();
    }
    subscriptions.clear();
  }

  int size() {
    return subscriptions.size();
  }
}
