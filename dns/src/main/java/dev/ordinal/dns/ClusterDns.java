package dev.ordinal.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The cluster DNS server, UDP and TCP, on each address it is given (the bridge gateway that pods'
 * resolv.conf names, and one for the user on the host). An address that does not exist yet (the
 * bridge appears with the first pod) is retried every second. Answers come from informers, so
 * they follow the API at watch latency.
 */
public final class ClusterDns implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);

  private final Informer services;
  private final Informer endpoints;
  private final Informer pods;
  private final ClusterAnswers answers;
  private final Forwarder forwarder;
  private final List<InetSocketAddress> addresses;
  private final List<AutoCloseable> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public ClusterDns(Client client, List<InetSocketAddress> addresses) {
    this.addresses = addresses;
    this.services = new Informer(client, Types.SERVICES);
    this.endpoints = new Informer(client, Types.ENDPOINTS);
    this.pods = new Informer(client, Types.PODS);
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
        Thread.ofVirtual().start(() -> {
          try {
            byte[] reply = respond(query, 512);
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
              byte[] reply = respond(query, 65535);
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

  /** The wire reply to a wire query, truncated (TC) to fit a UDP reply when needed. */
  byte[] respond(byte[] wire, int maxLength) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      Message err = new Message();
      err.getHeader().setRcode(Rcode.FORMERR);
      return err.toWire();
    }
    Record question = query.getQuestion();
    if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
      Message r = reply(query);
      r.getHeader().setRcode(Rcode.NOTIMP);
      return r.toWire();
    }
    if (!answers.isOurs(question.getName())) {
      return forwarder.forward(query).toWire(maxLength);
    }
    ClusterAnswers.Answer a = answers.answer(question.getName(), question.getType());
    Message r = reply(query);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setRcode(a.rcode());
    a.records().forEach(rec -> r.addRecord(rec, Section.ANSWER));
    if (a.records().isEmpty()) {
      r.addRecord(a.soa(), Section.AUTHORITY);
    }
    return r.toWire(maxLength);
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
