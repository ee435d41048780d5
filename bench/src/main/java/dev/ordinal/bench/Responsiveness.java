package dev.ordinal.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * How well the server answers everyone else: one client's API requests (gets, lists and the
 * node, as a controller or kubectl makes them) over HTTPS with the kubeconfig's credentials, and
 * queries to the cluster DNS. Each request has a time limit; one that fails or runs out of time
 * counts as unanswered.
 */
public final class Responsiveness {
  /** What one run measured. */
  public record Figures(Latencies api, Latencies dns, int unanswered, List<String> failures) {}

  private final String base;
  private final String token;
  private final HttpClient http;
  private final int dnsPort;

  public Responsiveness(Path kubeconfig, int dnsPort) throws Exception {
    String kc = Files.readString(kubeconfig);
    base = group(kc, "server: (\\S+)");
    token = group(kc, "token: (\\S+)");
    http = HttpClient.newBuilder().sslContext(KubeconfigTrust.sslContext(kc)).connectTimeout(Duration.ofSeconds(10)).build();
    this.dnsPort = dnsPort;
  }

  /**
   * Makes {@code requests} API requests, one after another, with a DNS query after every fifth;
   * stops early after five failures.
   */
  public Figures measure(String namespace, String pod, int requests, Duration limit) throws Exception {
    Latencies api = new Latencies();
    Latencies dns = new Latencies();
    List<String> failures = new java.util.ArrayList<>();
    List<String> paths = List.of("/api/v1/namespaces/" + namespace + "/pods/" + pod, "/api/v1/namespaces/" + namespace + "/pods",
        "/api/v1/nodes", "/apis/apps/v1/namespaces/" + namespace + "/statefulsets");
    SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
    resolver.setPort(dnsPort);
    resolver.setTimeout(limit);
    Message query = Message.newQuery(Record.newRecord(Name.fromString("kubernetes.default.svc.cluster.local."), Type.A, DClass.IN));
    // a stalled server would take requests × limit to measure: five failures are enough to tell
    for (int i = 0; i < requests && failures.size() < 5; i++) {
      String path = paths.get(i % paths.size());
      long t = System.nanoTime();
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(limit)
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
          failures.add("GET " + path + " -> " + r.statusCode());
        }
      } catch (IOException e) {
        failures.add("GET " + path + ": " + e);
      }
      api.add(System.nanoTime() - t);
      if (i % 5 == 4) {
        t = System.nanoTime();
        try {
          Message reply = resolver.send(query);
          if (reply.getSection(Section.ANSWER).isEmpty()) {
            failures.add("DNS: no answer for kubernetes.default");
          }
        } catch (IOException e) {
          failures.add("DNS: " + e);
        }
        dns.add(System.nanoTime() - t);
      }
    }
    return new Figures(api, dns, failures.size(), List.copyOf(failures.subList(0, Math.min(10, failures.size()))));
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("not in the kubeconfig: " + regex);
    }
    return m.group(1);
  }
}
