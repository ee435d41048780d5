package dev.ordinal.controllers.gc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.registry.Meta;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who owns whom, by uid, as the informers last saw it. Thread-safe. Owner uids may name objects
 * that no longer exist: that is what the collector looks for.
 */
final class OwnerGraph {
  private final Map<String, ObjectRef> byUid = new HashMap<>();
  private final Map<String, Set<String>> ownersOf = new HashMap<>();
  private final Map<String, Set<String>> dependentsOf = new HashMap<>();

  synchronized void put(ResourceType type, ObjectNode obj) {
    String uid = Meta.uid(obj);
    byUid.put(uid, ObjectRef.of(type, obj));
    Set<String> owners = new HashSet<>();
    for (ObjectNode ref : Meta.ownerReferences(obj)) {
      owners.add(ref.path("uid").asText());
    }
    unlink(uid);
    ownersOf.put(uid, owners);
    for (String o : owners) {
      dependentsOf.computeIfAbsent(o, k -> new HashSet<>()).add(uid);
    }
  }

  synchronized void remove(ObjectNode obj) {
    String uid = Meta.uid(obj);
    byUid.remove(uid);
    unlink(uid);
    ownersOf.remove(uid);
  }

  private void unlink(String uid) {
    Set<String> old = ownersOf.get(uid);
    if (old != null) {
      for (String o : old) {
        Set<String> deps = dependentsOf.get(o);
        if (deps != null) {
          deps.remove(uid);
          if (deps.isEmpty()) {
            dependentsOf.remove(o);
          }
        }
      }
    }
  }

  /** The objects that name {@code ownerUid} as an owner. */
  synchronized List<ObjectRef> dependents(String ownerUid) {
    return dependentsOf.getOrDefault(ownerUid, Set.of()).stream().map(byUid::get).filter(r -> r != null).toList();
  }

  synchronized boolean knows(String uid) {
    return byUid.containsKey(uid);
  }
}
