package dev.ordinal.node.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries what arrives on one host address and port to a Service's cluster IP and port, where
 * the proxy's nat rules (the OUTPUT chain, as for any host process reaching a Service) spread it
 * over the ready pods. TCP: each accepted connection gets its own connection to the Service,
 * copied both ways until either side ends. UDP: each client address is a flow with its own
 * socket towards the Service, so replies find their way back; a flow idle for
 * {@value #UDP_IDLE_MILLIS} ms is closed. The bind happens in {@link #open}, so a port another
 * program holds fails there; the loops run on virtual threads (socket waits park them without
 * holding a carrier, see ARCHITECTURE.md "Threads"). Closing stops listening and ends every
 * connection and flow.
 */
abstract sealed class Relay implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Relay.class);
  static final int UDP_IDLE_MILLIS = 60_000;
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  final InetSocketAddress target;
  final Set<Closeable> open = ConcurrentHashMap.newKeySet();
  volatile boolean closed;
  private volatile Thread loop;

  private Relay(InetSocketAddress target) {
    this.target = target;
  }

  /**
   * Binds {@code address:port} for {@code protocol} ("TCP" or "UDP") and starts relaying to
   * {@code target}.
   *
   * @throws IOException when the address cannot be bound (a {@link java.net.BindException} when
   *     the port is taken)
   */
  static Relay open(String protocol, String address, int port, InetSocketAddress target) throws IOException {
    InetSocketAddress local = new InetSocketAddress(InetAddress.getByName(address), port);
    Relay relay = switch (protocol) {
      case "TCP" -> new Tcp(local, target);
      case "UDP" -> new Udp(local, target);
      default -> throw new IOException("cannot relay " + protocol);
    };
    relay.loop = relay.start();
    return relay;
  }

  /** The address and port bound (the port chosen when 0 was asked for). */
  abstract InetSocketAddress local();

  /** Starts the loop that takes connections or datagrams; returns its thread. */
  abstract Thread start();

  /**
   * Stops listening and ends every connection. Returns once the listening socket is released:
   * the JDK closes a socket another thread waits on only when that wait ends, so the loop is
   * waited for (briefly), and the port can be bound again at once (a port moving to another
   * Service).
   */
  @Override
  public void close() {
    closed = true;
    for (Closeable c : open) {
      quietly(c);
    }
    Thread t = loop;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(java.time.Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static void quietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is all that is wanted
    }
  }

  static final class Tcp extends Relay {
    private final ServerSocket server;

    Tcp(InetSocketAddress local, InetSocketAddress target) throws IOException {
      super(target);
      ServerSocket s = new ServerSocket();
      try {
        // a relay closed a moment ago leaves connections in TIME_WAIT; the port is free all the same
        s.setReuseAddress(true);
        s.bind(local);
      } catch (IOException e) {
        s.close();
        throw e;
      }
      this.server = s;
      open.add(server);
    }

    @Override
    InetSocketAddress local() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    Thread start() {
      return Thread.ofVirtual().name("relay-tcp-" + local().getPort()).start(this::acceptLoop);
    }

    private void acceptLoop() {
      while (!closed) {
        Socket client;
        try {
          client = server.accept();
        } catch (IOException e) {
          if (!closed) {
            log.warn("relay {}: accepting failed: {}", local(), e.getMessage());
          }
          return;
        }
        open.add(client);
        Thread.ofVirtual().name("relay-tcp-conn").start(() -> serve(client));
      }
    }

    private void serve(Socket client) {
      Socket upstream = new Socket();
      open.add(upstream);
      try {
        upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
        Thread back = Thread.ofVirtual().name("relay-tcp-back").start(() -> copy(upstream, client));
        copy(client, upstream);
        back.join();
      } catch (IOException e) {
        // no ready pod (the Service's rules reject), or it went away: the client sees its connection closed
        log.debug("relay {} -> {}: {}", local(), target, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        quietly(client);
        quietly(upstream);
        open.remove(client);
        open.remove(upstream);
      }
    }

    /** Copies until the source ends, then ends the sink's direction only (the other may still have data). */
    private static void copy(Socket from, Socket to) {
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        in.transferTo(out);
        to.shutdownOutput();
      } catch (IOException e) {
        // one side reset or closed: both end
        quietly(from);
        quietly(to);
      }
    }
  }

  static final class Udp extends Relay {
    private final DatagramSocket socket;
    private final Map<SocketAddress, DatagramSocket> flows = new ConcurrentHashMap<>();

    Udp(InetSocketAddress local, InetSocketAddress target) throws IOException {
      super(target);
      this.socket = new DatagramSocket(local);
      open.add(socket);
    }

    @Override
    InetSocketAddress local() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    Thread start() {
      return Thread.ofVirtual().name("relay-udp-" + local().getPort()).start(this::receiveLoop);
    }

    private void receiveLoop() {
      byte[] buf = new byte[65_535];
      while (!closed) {
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(packet);
          SocketAddress client = packet.getSocketAddress();
          DatagramSocket flow = flows.get(client);
          if (flow == null) {
            flow = openFlow(client);
          }
          flow.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength()));
        } catch (IOException e) {
          if (closed) {
            return;
          }
          // one datagram lost (a flow's send refused: no ready pod); keep serving the others
          log.debug("relay {}: {}", local(), e.getMessage());
        }
      }
    }

    private DatagramSocket openFlow(SocketAddress client) throws SocketException {
      DatagramSocket flow = new DatagramSocket();
      flow.connect(target);
      flow.setSoTimeout(UDP_IDLE_MILLIS);
      flows.put(client, flow);
      open.add(flow);
      Thread.ofVirtual().name("relay-udp-flow").start(() -> replies(client, flow));
      return flow;
    }

    private void replies(SocketAddress client, DatagramSocket flow) {
      byte[] buf = new byte[65_535];
      try {
        while (!closed) {
          DatagramPacket reply = new DatagramPacket(buf, buf.length);
          try {
            flow.receive(reply);
          } catch (SocketTimeoutException idle) {
            return;
          } catch (java.net.PortUnreachableException refused) {
            continue; // no one answered one datagram; the client may send again
          }
          socket.send(new DatagramPacket(reply.getData(), reply.getOffset(), reply.getLength(), client));
        }
      } catch (IOException e) {
        if (!closed) {
          log.debug("relay {} flow {}: {}", local(), client, e.getMessage());
        }
      } finally {
        flows.remove(client, flow);
        open.remove(flow);
        flow.close();
      }
    }
  }
}
