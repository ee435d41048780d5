package dev.ordinal.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.runtime.Informer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cluster DNS server, UDP and TCP, on each address it is given (the bridge gateway that pods'
 * resolv.conf names, and one for the user on the host). An address that does not exist yet (the
 * bridge appears with the first pod) is retried every second. Answers come from informers, so
 * they follow the API at watch latency. A query from a pod's address may be completed along the
 * pod's search list on the server ({@link Autopath}); each query may be logged (client, name,
 * type, rcode, latency) to the {@code dev.ordinal.dns.query} logger.
 */
public final class ClusterDns implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);
  private static final Logger queries = LoggerFactory.getLogger("dev.ordinal.dns.query");

  /**
   * @param autopath complete names along the asking pod's search list (CoreDNS's autopath)
   * @param queryLog one line per query: client, name, type, rcode, latency (off by default)
   */
  public record Options(boolean autopath, boolean queryLog) {
    public static final Options DEFAULT = new Options(true, false);
  }

  private final Informer services;
  private final Informer endpoints;
  private final Informer pods;
  private final ClusterAnswers answers;
  private final Forwarder forwarder;
  private final List<InetSocketAddress> addresses;
  private final List<AutoCloseable> sockets = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> podsByIp = new ConcurrentHashMap<>();
  private final Options options;
  private final Name zone = Name.fromConstantString("cluster.local.");
  private final boolean hostSearches;
  private volatile boolean closed;

  public ClusterDns(Client client, List<InetSocketAddress> addresses) {
    this(client, addresses, Options.DEFAULT);
  }

  public ClusterDns(Client client, List<InetSocketAddress> addresses, Options options) {
    this.addresses = addresses;
    this.options = options;
    this.services = new Informer(client, Types.SERVICES);
    this.endpoints = new Informer(client, Types.ENDPOINTS);
    this.pods = new Informer(client, Types.PODS).onChange(this::indexPod);
    this.answers = new ClusterAnswers(new ClusterView() {
      @Override
      public Optional<ObjectNode> service(String namespace, String name) {
        return services.get(namespace, name);
      }

      @Override
      public Optional<ObjectNode> endpoints(String namespace, String name) {
        return endpoints.get(namespace, name);
      }

      @Override
      public Collection<ObjectNode> pods(String namespace) {
        return pods.inNamespace(namespace);
      }

      @Override
      public Collection<ObjectNode> allPods() {
        return pods.all();
      }

      @Override
      public Collection<ObjectNode> allServices() {
        return services.all();
      }
    }, "cluster.local");
    List<InetAddress> ours = new ArrayList<>();
    addresses.forEach(a -> ours.add(a.getAddress()));
    this.forwarder = new Forwarder(Path.of("/etc/resolv.conf"), ours);
    this.hostSearches = Forwarder.hasSearchDomains(Path.of("/etc/resolv.conf"));
  }

  /** Keeps pods by IP, to know which pod (so which namespace's search list) a query comes from. */
  private void indexPod(ObjectNode old, ObjectNode current, boolean deleted) {
    if (old != null) {
      unindex(old);
    }
    if (current == null) {
      return;
    }
    if (deleted) {
      unindex(current); // a delete carries the last state
      return;
    }
    String ip = current.path("status").path("podIP").asText("");
    if (!ip.isEmpty() && !current.path("spec").path("hostNetwork").asBoolean(false)) {
      podsByIp.put(ip, current);
    }
  }

  private void unindex(ObjectNode pod) {
    String ip = pod.path("status").path("podIP").asText("");
    ObjectNode held = podsByIp.get(ip);
    if (held != null && Meta.uid(held).equals(Meta.uid(pod))) {
      podsByIp.remove(ip, held);
    }
  }

  public void start() {
    for (var i : List.of(services, endpoints, pods)) {
      i.start();
    }
    for (InetSocketAddress a : addresses) {
      Thread.ofVirtual().name("dns-bind-" + a).start(() -> bind(a));
    }
  }

  private void bind(InetSocketAddress address) {
    while (!closed) {
      try {
        DatagramSocket udp = new DatagramSocket(address);
        ServerSocket tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(address);
        sockets.add(udp);
        sockets.add(tcp);
        log.info("cluster DNS listening on {} (udp, tcp)", address);
        Thread.ofVirtual().name("dns-udp-" + address).start(() -> serveUdp(udp));
        Thread.ofVirtual().name("dns-tcp-" + address).start(() -> serveTcp(tcp));
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(1000); // the address is not there yet (the bridge comes with the first pod)
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void serveUdp(DatagramSocket socket) {
    byte[] buf = new byte[4096];
    while (!closed) {
      try {
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        socket.receive(packet);
        byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        var from = packet.getSocketAddress();
        InetAddress client = packet.getAddress();
        Thread.ofVirtual().start(() -> {
          try {
            byte[] reply = respond(query, 512, client);
            socket.send(new DatagramPacket(reply, reply.length, from));
          } catch (IOException e) {
            log.debug("dns: {}", e.getMessage());
          }
        });
      } catch (IOException e) {
        if (!closed) {
          log.debug("dns udp: {}", e.getMessage());
        }
      }
    }
  }

  private void serveTcp(ServerSocket server) {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> {
          try (s; var in = new DataInputStream(s.getInputStream()); var out = new DataOutputStream(s.getOutputStream())) {
            s.setSoTimeout(10_000);
            while (true) {
              int length = in.readUnsignedShort();
              byte[] query = in.readNBytes(length);
              byte[] reply = respond(query, 65535, s.getInetAddress());
              out.writeShort(reply.length);
              out.write(reply);
              out.flush();
            }
          } catch (IOException e) {
            // the client is done
          }
        });
      } catch (IOException e) {
        if (!closed) {
          log.debug("dns tcp: {}", e.getMessage());
        }
      }
    }
  }

  /** The wire reply to a wire query from a client, truncated (TC) to fit a UDP reply when needed. */
  byte[] respond(byte[] wire, int maxLength, InetAddress client) {
    long start = System.nanoTime();
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      Message err = new Message();
      err.getHeader().setRcode(Rcode.FORMERR);
      logQuery(client, null, Rcode.FORMERR, start);
      return err.toWire();
    }
    Message r = answer(query, client);
    logQuery(client, query.getQuestion(), r.getHeader().getRcode(), start);
    return r.toWire(maxLength);
  }

  private Message answer(Message query, InetAddress client) {
    Record question = query.getQuestion();
    if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
      Message r = reply(query);
      r.getHeader().setRcode(Rcode.NOTIMP);
      return r;
    }
    Name name = question.getName();
    int type = question.getType();
    boolean ours = answers.isOurs(name);
    Autopath.Plan plan = autopathPlan(name, client);
    if (!plan.isEmpty()) {
      Optional<ClusterAnswers.Answer> found = Autopath.firstFound(name, plan, n -> answers.answer(n, type));
      if (found.isPresent()) {
        return authoritative(query, found.get());
      }
      if (plan.forward() != null) {
        Message forwarded = forwarder.forward(Message.newQuery(Record.newRecord(plan.forward(), type, question.getDClass())));
        if (forwarded.getHeader().getRcode() == Rcode.NOERROR) { // the first reply that is not a failure, as CoreDNS
          Message r = reply(query);
          r.getHeader().setRcode(Rcode.NOERROR);
          Autopath.cname(name, plan.forward(), forwarded.getSection(Section.ANSWER)).forEach(rec -> r.addRecord(rec, Section.ANSWER));
          return r;
        }
      }
    }
    if (!ours) {
      return forwarder.forward(query);
    }
    return authoritative(query, answers.answer(name, type));
  }

  private Autopath.Plan autopathPlan(Name name, InetAddress client) {
    if (!options.autopath() || client == null || name.subdomain(REVERSE)) {
      return Autopath.Plan.NONE;
    }
    ObjectNode pod = podsByIp.get(client.getHostAddress());
    if (pod == null || !Autopath.usesClusterSearch(pod)) {
      return Autopath.Plan.NONE;
    }
    return Autopath.plan(name, Meta.namespace(pod), Autopath.ndots(pod), zone, hostSearches);
  }

  private static final Name REVERSE = Name.fromConstantString("in-addr.arpa.");

  private static Message authoritative(Message query, ClusterAnswers.Answer a) {
    Message r = reply(query);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setRcode(a.rcode());
    a.records().forEach(rec -> r.addRecord(rec, Section.ANSWER));
    if (a.records().isEmpty()) {
      r.addRecord(a.soa(), Section.AUTHORITY);
    }
    return r;
  }

  private void logQuery(InetAddress client, Record question, int rcode, long start) {
    if (options.queryLog()) {
      queries.info("{} {} {} {} {}ms", client == null ? "-" : client.getHostAddress(),
          question == null ? "-" : question.getName(), question == null ? "-" : Type.string(question.getType()), Rcode.string(rcode),
          String.format(java.util.Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1e6));
    }
  }

  private static Message reply(Message query) {
    Message r = new Message(query.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    if (query.getHeader().getFlag(Flags.RD)) {
      r.getHeader().setFlag(Flags.RD);
    }
    if (query.getQuestion() != null) {
      r.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return r;
  }

  @Override
  public void close() {
    closed = true;
    for (AutoCloseable s : sockets) {
      try {
        s.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
    for (var i : List.of(services, endpoints, pods)) {
      i.close();
    }
  }
}
