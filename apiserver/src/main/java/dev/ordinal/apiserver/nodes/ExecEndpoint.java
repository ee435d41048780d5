package dev.ordinal.apiserver.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.Authenticator;
import dev.ordinal.apiserver.authz.Attributes;
import dev.ordinal.apiserver.authz.Impersonation;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.http.ApiHandler;
import dev.ordinal.apiserver.http.Exchange;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * {@code pods/{name}/exec}, {@code pods/{name}/attach} and {@code pods/{name}/portforward} over
 * WebSocket, in front of the API handler: kubectl's first choice for all three (port-forward tunnels SPDY frames in the messages);
 * port-forward also speaks kubelet's channel protocol, which the fabric8 client uses.
 * Exec and attach also upgrade to SPDY/3.1, as kubectl up to 1.29 asks ({@link SpdyExecConnection}).
 * Anything else (and an exec request that does not ask to upgrade) goes on to the API handler.
 */
public final class ExecEndpoint {
  private static final String PATH = "^/api/v1/namespaces/[^/]+/pods/[^/]+/exec$";
  private static final String ATTACH = "^/api/v1/namespaces/[^/]+/pods/[^/]+/attach$";
  private static final String PORT_FORWARD = "^/api/v1/namespaces/[^/]+/pods/[^/]+/portforward$";
  static final String SPDY_PORT_FORWARD = "SPDY/3.1+portforward.k8s.io";

  private ExecEndpoint() {}

  public static Handler wrap(Server server, Registry registry, NodeServices nodes, Authenticator secret, Handler next) {
    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
      container.setIdleTimeout(java.time.Duration.ZERO);
      container.addMapping(PATH, (request, response, callback) -> create(request, response, callback, registry, nodes, secret));
      container.addMapping(ATTACH, (request, response, callback) -> attach(request, response, callback, registry, nodes, secret));
      container.addMapping(PORT_FORWARD, (request, response, callback) -> portForward(request, response, callback, registry, secret));
    });
    ws.setHandler(new SpdyUpgrade(registry, nodes, secret, next));
    return ws;
  }

  /** Exec and attach upgraded to SPDY/3.1 (kubectl ≤ 1.29); everything else goes on. */
  private static final class SpdyUpgrade extends Handler.Wrapper {
    private final Registry registry;
    private final NodeServices nodes;
    private final Authenticator token;

    SpdyUpgrade(Registry registry, NodeServices nodes, Authenticator token, Handler next) {
      super(next);
      this.registry = registry;
      this.nodes = nodes;
      this.token = token;
    }

    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback) throws Exception {
      String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
      String path = request.getHttpURI().getPath();
      boolean exec = path.matches(PATH);
      if (upgrade == null || !upgrade.equalsIgnoreCase(SPDY) || !(exec || path.matches(ATTACH))) {
        return super.handle(request, response, callback);
      }
      try {
        ExecSocket.Target target = exec ? execTarget(request, registry, nodes, token, true) : attachTarget(request, registry, nodes, token);
        List<String> offered = request.getHeaders().getValuesList(STREAM_PROTOCOL);
        if (!offered.contains(ExecChannels.V4)) {
          throw ApiException.badRequest("unable to upgrade: " + ExecChannels.V4 + " is the only SPDY stream protocol served; the client offered "
              + offered);
        }
        var connection = request.getConnectionMetaData().getConnection();
        request.setAttribute(org.eclipse.jetty.server.HttpStream.UPGRADE_CONNECTION_ATTRIBUTE,
            new SpdyExecConnection(connection.getEndPoint(), request.getConnectionMetaData().getConnector().getExecutor(), target));
        response.setStatus(101);
        response.getHeaders().put(HttpHeader.CONNECTION, "Upgrade").put(HttpHeader.UPGRADE, SPDY).put(STREAM_PROTOCOL, ExecChannels.V4);
        response.write(true, null, callback);
      } catch (ApiException e) {
        response.setStatus(e.code());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(Json.bytes(e.toStatus())), callback);
      }
      return true;
    }
  }

  static final String SPDY = "SPDY/3.1";
  static final String STREAM_PROTOCOL = "X-Stream-Protocol-Version";

  private static Object create(ServerUpgradeRequest request, ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback,
      Registry registry, NodeServices nodes, Authenticator token) {
    try {
      ExecSocket.Target target = execTarget(request, registry, nodes, token, false);
      acceptChannels(request, response, "exec");
      return new ExecSocket(target);
    } catch (ApiException e) {
      return refuse(response, callback, e);
    }
  }

  /**
   * What {@code pods/exec} runs. Over WebSocket stdout and stderr are always carried; over SPDY as
   * the client asked, and stderr not with a terminal (kubelet's rule: it is the terminal's output).
   */
  private static ExecSocket.Target execTarget(org.eclipse.jetty.server.Request request, Registry registry, NodeServices nodes,
      Authenticator token, boolean asAsked) {
    ObjectNode pod = pod(request, registry, token);
    Fields query = org.eclipse.jetty.server.Request.extractQueryParameters(request);
    List<String> command = query.getValues("command");
    if (command == null || command.isEmpty()) {
      throw ApiException.badRequest("you must specify at least 1 command");
    }
    String container = query.getValue("container");
    container = container == null || container.isEmpty() ? only(pod) : container;
    PodExec exec = nodes.execFor(pod).orElseThrow(() -> ApiException.badRequest("no node runs containers on this machine"));
    boolean tty = flag(query, "tty");
    return ExecSocket.Target.exec(exec, Meta.uid(pod), container, new ArrayList<>(command), flag(query, "stdin"),
        !asAsked || flag(query, "stdout"), !asAsked || (flag(query, "stderr") && !tty), tty);
  }

  private static Object attach(ServerUpgradeRequest request, ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback,
      Registry registry, NodeServices nodes, Authenticator token) {
    try {
      ExecSocket.Target target = attachTarget(request, registry, nodes, token);
      acceptChannels(request, response, "attach");
      return new ExecSocket(target);
    } catch (ApiException e) {
      return refuse(response, callback, e);
    }
  }

  /**
   * An attach to the container's own process. The terminal is the container's: asked for on a
   * container without {@code tty}, the client gets plain streams (kubectl warns of it itself).
   */
  private static ExecSocket.Target attachTarget(org.eclipse.jetty.server.Request request, Registry registry, NodeServices nodes,
      Authenticator token) {
    {
      ObjectNode pod = pod(request, registry, token);
      Fields query = org.eclipse.jetty.server.Request.extractQueryParameters(request);
      boolean stdin = flag(query, "stdin");
      boolean stdout = flag(query, "stdout");
      boolean stderr = flag(query, "stderr");
      boolean tty = flag(query, "tty");
      if (!stdin && !stdout && !stderr) {
        throw ApiException.badRequest("you must specify at least 1 of stdin, stdout, stderr");
      }
      String phase = pod.path("status").path("phase").asText("");
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        throw ApiException.badRequest("cannot attach a container in a completed pod; current phase is " + phase);
      }
      String container = query.getValue("container");
      container = container == null || container.isEmpty() ? only(pod) : container;
      JsonNode spec = containerSpec(pod, container);
      PodAttach attach = nodes.attachFor(pod).orElseThrow(() -> ApiException.badRequest("no node runs containers on this machine"));
      return ExecSocket.Target.attach(attach, Meta.uid(pod), container, stdin && spec.path("stdin").asBoolean(false),
          stdout, stderr && !tty, tty && spec.path("tty").asBoolean(false));
    }
  }

  private static void acceptChannels(ServerUpgradeRequest request, ServerUpgradeResponse response, String verb) {
    String protocol = request.hasSubProtocol(ExecChannels.V5) ? ExecChannels.V5
        : request.hasSubProtocol(ExecChannels.V4) ? ExecChannels.V4 : null;
    if (protocol == null) {
      throw ApiException.badRequest(verb + " needs the " + ExecChannels.V5 + " WebSocket protocol");
    }
    response.setAcceptedSubProtocol(protocol);
  }

  /** As every boolean query parameter: present and neither "0" nor "false" (any case) is true. */
  private static boolean flag(Fields query, String name) {
    return Exchange.bool(query.getValue(name));
  }

  private static JsonNode containerSpec(ObjectNode pod, String name) {
    // ephemeral containers too: kubectl debug attaches to its container
    for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        if (c.path("name").asText().equals(name)) {
          return c;
        }
      }
    }
    throw ApiException.badRequest("container " + name + " is not valid for pod " + Meta.name(pod));
  }

  private static Object portForward(ServerUpgradeRequest request, ServerUpgradeResponse response,
      org.eclipse.jetty.util.Callback callback, Registry registry, Authenticator token) {
    try {
      ObjectNode pod = pod(request, registry, token);
      boolean spdy = request.hasSubProtocol(SPDY_PORT_FORWARD);
      // kubelet serves the channel protocol also to a client that names no protocol
      boolean channels = request.hasSubProtocol(PortForwardChannelSocket.V4) || request.getSubProtocols().isEmpty();
      if (!spdy && !channels) {
        throw ApiException.badRequest("port-forward needs the " + SPDY_PORT_FORWARD + " or the "
            + PortForwardChannelSocket.V4 + " WebSocket protocol");
      }
      String ip = pod.path("status").path("podIP").asText("");
      if (ip.isEmpty()) {
        throw ApiException.badRequest("pod " + Meta.name(pod) + " has no IP yet");
      }
      List<Integer> ports = ports(org.eclipse.jetty.server.Request.extractQueryParameters(request).getValues("ports"), !spdy);
      if (spdy) {
        response.setAcceptedSubProtocol(SPDY_PORT_FORWARD);
        return new PortForwardSocket(ip, new java.util.HashSet<>(ports));
      }
      if (!request.getSubProtocols().isEmpty()) {
        response.setAcceptedSubProtocol(PortForwardChannelSocket.V4);
      }
      return new PortForwardChannelSocket(new PortForwardChannelSocket.Target(ip,
          Meta.name(pod) + "_" + Meta.namespace(pod), Meta.uid(pod), ports));
    } catch (ApiException e) {
      return refuse(response, callback, e);
    }
  }

  /**
   * The {@code ports} query parameters as kubelet reads them: repeated, each a comma-separated
   * list; required for the channel protocol (SPDY names its ports per stream).
   */
  static List<Integer> ports(List<String> values, boolean required) {
    List<Integer> ports = new ArrayList<>();
    if (values == null || values.isEmpty()) {
      if (required) {
        throw ApiException.badRequest("query parameter \"ports\" is required");
      }
      return ports;
    }
    for (String value : values) {
      if (value.isEmpty()) {
        throw ApiException.badRequest("query parameter \"ports\" cannot be empty");
      }
      for (String one : value.split(",")) {
        int port;
        try {
          port = Integer.parseInt(one.trim());
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("unable to parse \"" + value + "\" as a port: " + e.getMessage());
        }
        if (port < 1 || port > 65535) {
          throw ApiException.badRequest(port < 1 ? "port \"" + value + "\" must be > 0"
              : "unable to parse \"" + value + "\" as a port: value out of range");
        }
        ports.add(port);
      }
    }
    return ports;
  }

  private static ObjectNode pod(org.eclipse.jetty.server.Request request, Registry registry, Authenticator token) {
    var user = token.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION), Exchange.peerCertificates(request))
        .orElseThrow(ApiException::unauthorized);
    String[] parts = request.getHttpURI().getPath().split("/");
    // upstream asks for create on the subresource of a WebSocket upgrade, beside the get of its GET
    var headers = request.getHeaders();
    java.util.Map<String, List<String>> extra = new java.util.LinkedHashMap<>();
    for (var field : headers) {
      String name = field.getName().toLowerCase(java.util.Locale.ROOT);
      if (name.startsWith("impersonate-extra-")) {
        extra.computeIfAbsent(name, k -> new ArrayList<>()).add(field.getValue());
      }
    }
    var acting = Impersonation.actAs(user, headers::getValuesList, extra, registry.authorizer());
    registry.authorizer().check(Attributes.resource(acting, "create", "", "pods", parts[7], parts[4], parts[6]));
    return registry.store("", "v1", "pods").orElseThrow().get(parts[4], parts[6]);
  }

  private static Object refuse(ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback, ApiException e) {
    response.setStatus(e.code());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(Json.bytes(e.toStatus())), callback);
    return null;
  }

  private static String only(ObjectNode pod) {
    JsonNode containers = pod.path("spec").path("containers");
    if (containers.size() != 1) {
      List<String> names = new ArrayList<>();
      containers.forEach(c -> names.add(c.path("name").asText()));
      throw ApiException.badRequest("a container name must be specified for pod " + Meta.name(pod) + ", choose one of: " + names);
    }
    return containers.get(0).path("name").asText();
  }
}
