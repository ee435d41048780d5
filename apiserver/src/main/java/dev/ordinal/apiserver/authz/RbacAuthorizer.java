package dev.ordinal.apiserver.authz;

import dev.ordinal.apiserver.auth.UserInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides requests by RBAC, as kube-apiserver's Node,RBAC chain without the node part: members of
 * {@code system:masters} may do everything (upstream's privileged-group short cut, which also keeps
 * the admin working when bindings are broken); everyone else by the bindings of an
 * {@link RbacSnapshot}.
 *
 * <p>The snapshot is rebuilt only when an RBAC object changed ({@code version} moved), and
 * decisions are cached per snapshot, so the request path costs a map lookup once warm. The version
 * is read after the caches caught up with the store, so a binding written a moment ago by the same
 * client is already in effect.
 */
public final class RbacAuthorizer {
  public static final String MASTERS = "system:masters";
  private static final int MAX_CACHED = 20_000;

  private final LongSupplier version;
  private final Supplier<RbacSnapshot> build;
  private final ReentrantLock rebuild = new ReentrantLock();
  private volatile State state = new State(-1, RbacSnapshot.empty(), new ConcurrentHashMap<>());
  private volatile NodeAuthorizer nodes;

  private record State(long version, RbacSnapshot snapshot, Map<Attributes, Decision> decisions) {}

  /**
   * @param version changes whenever a Role, ClusterRole or binding changes
   * @param build reads the RBAC objects as they are now
   */
  public RbacAuthorizer(LongSupplier version, Supplier<RbacSnapshot> build) {
    this.version = version;
    this.build = build;
  }

  /** Node agents are authorized by the Node authorizer first, as kube-apiserver's Node,RBAC chain. */
  public void nodes(NodeAuthorizer nodeAuthorizer) {
    this.nodes = nodeAuthorizer;
  }

  public Decision authorize(Attributes a) {
    if (a.user() != null && a.user().groups().contains(MASTERS)) {
      return Decision.allow("");
    }
    NodeAuthorizer n = nodes;
    if (n != null) {
      Decision byNode = n.authorize(a);
      if (byNode != null) {
        return byNode;
      }
    }
    State s = current();
    Decision cached = s.decisions().get(a);
    if (cached != null) {
      return cached;
    }
    Decision d = s.snapshot().decide(a);
    if (s.decisions().size() >= MAX_CACHED) {
      s.decisions().clear();
    }
    s.decisions().put(a, d);
    return d;
  }

  /** Throws upstream's 403 unless allowed; the decision, for the audit log's annotations. */
  public Decision check(Attributes a) {
    Decision d = authorize(a);
    requireAllowed(a, d);
    return d;
  }

  /** Upstream's 403 for a request {@code d} refused. */
  public static void requireAllowed(Attributes a, Decision d) {
    if (!d.allowed()) {
      throw Forbidden.of(a, d.evaluationError().isEmpty() ? "" : "RBAC: " + d.evaluationError());
    }
  }

  /** The rules {@code user} holds in {@code namespace}, with the errors met resolving them. */
  public List<PolicyRule> rulesFor(UserInfo user, String namespace, Set<String> errors) {
    return current().snapshot().rulesFor(user, namespace, errors);
  }

  public RbacSnapshot snapshot() {
    return current().snapshot();
  }

  private State current() {
    long v = version.getAsLong();
    State s = state;
    if (s.version() == v) {
      return s;
    }
    rebuild.lock();
    try {
      s = state;
      if (s.version() != v) {
        s = new State(v, build.get(), new ConcurrentHashMap<>());
        state = s;
      }
      return s;
    } finally {
      rebuild.unlock();
    }
  }
}
