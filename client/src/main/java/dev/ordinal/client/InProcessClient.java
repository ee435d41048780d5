package dev.ordinal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.ObjectList;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;
import dev.ordinal.apiserver.watch.CacheEvent;
import dev.ordinal.apiserver.watch.CacheWatcher;
import java.util.concurrent.TimeUnit;

/**
 * The client of components running in the API server's process: the same registry code paths
 * as HTTP requests (defaults, validation, admission), without serialization. Returned objects
 * are copies the caller may change.
 */
public final class InProcessClient implements Client {
  private final Registry registry;

  public InProcessClient(Registry registry) {
    this.registry = registry;
  }

  /**
   * This client acting as {@code user}: every call authorized as over HTTP, and run as that user in
   * admission. The plain client is the API server itself, which everything trusts.
   */
  public Client as(dev.ordinal.apiserver.auth.UserInfo user) {
    return new AuthorizedClient(this, registry.authorizer(), user, registry.audit());
  }

  private ResourceStore store(ResourceType type) {
    return registry.store(type);
  }

  private static String ns(ResourceType type, String namespace) {
    return type.namespaced() ? namespace : null;
  }

  @Override
  public ObjectNode get(ResourceType type, String namespace, String name) {
    return store(type).get(ns(type, namespace), name).deepCopy();
  }

  @Override
  public ObjectList list(ResourceType type, String namespace, ListOptions options) {
    ObjectList l = store(type).list(ns(type, namespace), options);
    return new ObjectList(l.items().stream().map(ObjectNode::deepCopy).toList(), l.resourceVersion(), l.continueToken(),
        l.remaining());
  }

  @Override
  public Watch watch(ResourceType type, String namespace, ListOptions options) {
    CacheWatcher w = store(type).watch(ns(type, namespace), options);
    return new Watch() {
      @Override
      public Event next(long timeout, TimeUnit unit) throws InterruptedException {
        if (w.isTerminated()) {
          throw new WatchClosedException("watch of " + type.qualifiedName() + " ended");
        }
        CacheEvent e = w.poll(timeout, unit);
        return e == null ? null : new Event(e.type().name(), e.object().deepCopy());
      }

      @Override
      public void close() {
        w.close();
      }
    };
  }

  @Override
  public ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
    return store(type).create(ns(type, namespace), object, WriteOptions.DEFAULT);
  }

  @Override
  public ObjectNode update(ResourceType type, ObjectNode object) {
    return store(type).update(ns(type, Meta.namespace(object)), Meta.name(object), object, Subresource.MAIN,
        WriteOptions.DEFAULT);
  }

  @Override
  public ObjectNode updateStatus(ResourceType type, ObjectNode object) {
    return store(type).update(ns(type, Meta.namespace(object)), Meta.name(object), object, Subresource.STATUS,
        WriteOptions.DEFAULT);
  }

  @Override
  public ObjectNode resize(ObjectNode pod) {
    return store(Types.PODS).update(Meta.namespace(pod), Meta.name(pod), pod, Subresource.RESIZE, WriteOptions.DEFAULT);
  }

  @Override
  public ObjectNode patch(ResourceType type, String namespace, String name, String patchType, JsonNode patch) {
    return store(type).patch(ns(type, namespace), name, Subresource.MAIN, patchType, patch, WriteOptions.DEFAULT);
  }

  @Override
  public void bind(String namespace, String podName, String nodeName) {
    store(Types.PODS).bind(namespace, podName, nodeName, WriteOptions.DEFAULT);
  }

  @Override
  public ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
    return registry.tokenRequests().create(namespace, serviceAccount, tokenRequest, false);
  }

  @Override
  public ObjectNode delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    return store(type).delete(ns(type, namespace), name, options).object();
  }
}
