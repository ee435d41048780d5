package dev.ordinal.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Attributes;
import dev.ordinal.apiserver.authz.RbacAuthorizer;
import dev.ordinal.apiserver.authz.RbacSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What RBAC costs, with 1,000 Roles and 1,000 RoleBindings stored: the authorizer alone in this JVM
 * (a decision from the indexed snapshot, and a cached one), and over HTTP against `ordinal up` the
 * same GET and create as the admin (system:masters, no rule evaluated) and as a ServiceAccount whose
 * token is verified and whose request is decided by its RoleBinding, in one run.
 */
public final class RbacBench {
  static final int ROLES = 1_000;
  private final List<String> report = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    new RbacBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 2_000);
  }

  private void run(int requests) throws Exception {
    inProcess();
    Path work = Files.createTempDirectory("ordinal-bench-rbac");
    BenchServer server = new BenchServer(work, "none");
    server.start();
    try {
      overHttp(server, requests);
    } finally {
      server.close();
    }
    System.out.println("| measure | result |");
    System.out.println("|---|---|");
    report.forEach(System.out::println);
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static String role(int i, String ns) {
    return ("{'apiVersion':'rbac.authorization.k8s.io/v1','kind':'Role','metadata':{'name':'role-%d','namespace':'%s'},"
        + "'rules':[{'verbs':['get','list'],'apiGroups':[''],'resources':['configmaps'],'resourceNames':['cm-%d']},"
        + "{'verbs':['get','list','watch','create'],'apiGroups':['','apps'],'resources':['pods','deployments']}]}").formatted(i, ns, i)
        .replace('\'', '"');
  }

  static String binding(int i, String ns, String subject) {
    return ("{'apiVersion':'rbac.authorization.k8s.io/v1','kind':'RoleBinding','metadata':{'name':'rb-%d','namespace':'%s'},"
        + "'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'role-%d'},'subjects':[%s]}")
        .formatted(i, ns, i, subject).replace('\'', '"');
  }

  /** The authorizer on its own: 1,000 Roles and bindings over 100 namespaces, users asking in theirs. */
  private void inProcess() {
    List<ObjectNode> roles = new ArrayList<>();
    List<ObjectNode> bindings = new ArrayList<>();
    for (int i = 0; i < ROLES; i++) {
      roles.add(obj(role(i, "ns-" + i % 100)));
      bindings.add(obj(binding(i, "ns-" + i % 100, "{'kind':'User','name':'user-" + i + "'},{'kind':'Group','name':'team-" + i % 10 + "'}")));
    }
    RbacSnapshot snapshot = new RbacSnapshot(roles, List.of(), bindings, List.of());
    RbacAuthorizer authorizer = new RbacAuthorizer(() -> 1, () -> snapshot);
    List<Attributes> asks = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      int u = i % ROLES;
      UserInfo user = new UserInfo("user-" + u, "", List.of("team-" + u % 10, UserInfo.AUTHENTICATED), Map.of());
      String verb = i % 3 == 0 ? "delete" : "get"; // a third denied: every rule of the user looked at
      asks.add(Attributes.resource(user, verb, "", i % 2 == 0 ? "pods" : "configmaps", "", "ns-" + u % 100, "cm-" + u));
    }
    for (int round = 0; round < 5; round++) { // warm the JIT
      asks.forEach(snapshot::decide);
    }
    Latencies fresh = new Latencies();
    for (Attributes a : asks) {
      long t = System.nanoTime();
      snapshot.decide(a);
      fresh.add(System.nanoTime() - t);
    }
    asks.forEach(authorizer::authorize);
    Latencies cached = new Latencies();
    for (Attributes a : asks) {
      long t = System.nanoTime();
      authorizer.authorize(a);
      cached.add(System.nanoTime() - t);
    }
    long t = System.nanoTime();
    new RbacSnapshot(roles, List.of(), bindings, List.of());
    double buildMs = (System.nanoTime() - t) / 1e6;
    row("authorizer, 1,000 Roles + 1,000 RoleBindings: a decision from the snapshot, p50 / p99", us(fresh, 50) + " / " + us(fresh, 99));
    row("authorizer: a cached decision, p50 / p99", us(cached, 50) + " / " + us(cached, 99));
    row("authorizer: rebuilding the snapshot after an RBAC change", String.format(Locale.ROOT, "%.1f ms", buildMs));
  }

  private void overHttp(BenchServer server, int requests) throws Exception {
    server.send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
    server.send("POST", "/api/v1/namespaces/bench/serviceaccounts", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"client\"}}");
    for (int i = 0; i < ROLES; i++) {
      server.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/bench/roles", "application/json", role(i, "bench"));
      String subject = i == ROLES - 1 ? "{'kind':'ServiceAccount','name':'client','namespace':'bench'}" : "{'kind':'User','name':'user-" + i + "'}";
      server.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/bench/rolebindings", "application/json", binding(i, "bench", subject));
    }
    String saToken = Json.MAPPER.readTree(server.send("POST", "/api/v1/namespaces/bench/serviceaccounts/client/token", "application/json",
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":3600}}").body())
        .at("/status/token").asText();
    server.send("POST", "/api/v1/namespaces/bench/pods", "application/json", pod("target").replace("\"bench\":\"yes\"", "\"bench\":\"target\""));
    for (String who : List.of("admin", "serviceaccount", "admin", "serviceaccount")) { // the first pair warms up
      String bearer = who.equals("admin") ? server.token : saToken;
      Latencies gets = new Latencies();
      for (int i = 0; i < requests; i++) {
        long t = System.nanoTime();
        server.sendAs(bearer, "GET", "/api/v1/namespaces/bench/pods/p-target", null, null);
        gets.add(System.nanoTime() - t);
      }
      Latencies creates = new Latencies();
      for (int i = 0; i < requests / 2; i++) {
        long t = System.nanoTime();
        server.sendAs(bearer, "POST", "/api/v1/namespaces/bench/pods", "application/json", pod(who + "-" + i + "-" + gets.count()));
        creates.add(System.nanoTime() - t);
      }
      server.send("DELETE", "/api/v1/namespaces/bench/pods?labelSelector=bench%3Dyes&gracePeriodSeconds=0", null, null);
      rowIfMeasured(who, gets, creates);
    }
  }

  private int rounds;

  private void rowIfMeasured(String who, Latencies gets, Latencies creates) {
    if (rounds++ < 2) {
      return;
    }
    String label = who.equals("admin") ? "as the admin (system:masters)" : "as a ServiceAccount bound by 1 of 1,000 RoleBindings";
    row("HTTPS GET of one pod " + label + ", p50 / p99", ms(gets, 50) + " / " + ms(gets, 99));
    row("HTTPS create of a pod " + label + ", p50 / p99", ms(creates, 50) + " / " + ms(creates, 99));
  }

  static String pod(String name) {
    return ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p-%s','labels':{'bench':'yes'}},'spec':{'nodeName':'node-1',"
        + "'automountServiceAccountToken':false,'containers':[{'name':'app','image':'nginx:1.27'}]}}").formatted(name).replace('\'', '"');
  }

  private void row(String what, String value) {
    report.add("| " + what + " | " + value + " |");
    System.err.println(what + ": " + value);
  }

  private static String us(Latencies l, double p) {
    return String.format(Locale.ROOT, "%.1f µs", l.percentileMillis(p) * 1000);
  }

  private static String ms(Latencies l, double p) {
    return String.format(Locale.ROOT, "%.2f ms", l.percentileMillis(p));
  }
}
