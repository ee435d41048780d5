package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.nodes.AgentWire;
import dev.ordinal.apiserver.pki.Certificates;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Where agents join (k3s' supervisor routes): {@code GET /cacerts} answers the cluster CA to anyone,
 * so that a joining agent can check it against the hash in its token before it trusts this server;
 * {@code POST /v1-ordinal/node-credentials} with a bootstrap token ({@code Authorization: Bearer
 * <id>.<secret>}, checked against its {@code kube-system/bootstrap-token-<id>} Secret) signs the
 * agent's own public key into its certificates: its node client certificate (CN
 * {@code system:node:<name>}, O {@code system:nodes}), the service proxy's and the DNS's (the
 * agent runs both for its pods), and its serving certificate for {@link AgentWire} naming its address.
 */
final class JoinEndpoint extends Handler.Wrapper {
  static final String CA_PATH = "/cacerts";
  static final String CREDENTIALS_PATH = "/v1-ordinal/node-credentials";
  private static final Duration VALIDITY = Duration.ofDays(365);
  private final ClusterCa ca;
  private final Client client;

  /** @param client the API server's own client (reads bootstrap-token Secrets) */
  JoinEndpoint(ClusterCa ca, Client client) {
    this.ca = ca;
    this.client = client;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals(CA_PATH) && request.getMethod().equals("GET")) {
      response.getHeaders().put("Content-Type", "application/x-pem-file");
      response.write(true, ByteBuffer.wrap(ca.pem().getBytes(StandardCharsets.US_ASCII)), callback);
      return true;
    }
    if (!path.equals(CREDENTIALS_PATH)) {
      return super.handle(request, response, callback);
    }
    ObjectNode answer;
    int status = 200;
    try {
      if (!request.getMethod().equals("POST")) {
        throw ApiException.methodNotAllowed("POST only");
      }
      String auth = request.getHeaders().get("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || !BootstrapTokens.valid(client, auth.substring(7).trim())) {
        throw ApiException.unauthorized();
      }
      ObjectNode body = Json.parseObject(Content.Source.asString(request, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
      answer = issue(body);
    } catch (ApiException e) {
      status = e.code();
      answer = e.toStatus();
    } catch (RuntimeException e) {
      status = 400;
      answer = ApiException.badRequest("bad join request: " + e.getMessage()).toStatus();
    }
    response.setStatus(status);
    response.getHeaders().put("Content-Type", "application/json");
    response.write(true, ByteBuffer.wrap(Json.bytes(answer)), callback);
    return true;
  }

  private ObjectNode issue(ObjectNode body) throws Exception {
    String node = body.path("nodeName").asText("");
    String address = body.path("nodeIP").asText("");
    if (!node.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
      throw ApiException.badRequest("nodeName \"" + node + "\" is not a valid node name");
    }
    if (!address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      throw ApiException.badRequest("nodeIP \"" + address + "\" is not an IPv4 address");
    }
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
        Base64.getDecoder().decode(body.path("publicKey").asText())));
    ObjectNode answer = Json.object();
    answer.put("ca", ca.pem());
    answer.put("node", Certificates.pem(ca.issueClient("system:node:" + node, List.of("system:nodes"), key, VALIDITY)));
    answer.put("proxy", Certificates.pem(ca.issueClient("system:kube-proxy", List.of(), key, VALIDITY)));
    answer.put("dns", Certificates.pem(ca.issueClient(dev.ordinal.apiserver.auth.UserInfo.serviceAccountUser("kube-system", "coredns"),
        List.of("system:serviceaccounts", "system:serviceaccounts:kube-system"), key, VALIDITY)));
    answer.put("serving", Certificates.pem(Certificates.issue(ca.certificate(), ca.key(), node, List.of(), key, List.of(node),
        List.of(address), Certificates.Usage.SERVER, VALIDITY)));
    return answer;
  }

  /** Bootstrap tokens as upstream keeps them: Secrets of type bootstrap.kubernetes.io/token in kube-system. */
  static final class BootstrapTokens {
    static final String TYPE = "bootstrap.kubernetes.io/token";

    private BootstrapTokens() {}

    /** Whether {@code token} ({@code <id>.<secret>}) is a live bootstrap token that may authenticate. */
    static boolean valid(Client client, String token) {
      int dot = token.indexOf('.');
      if (dot != 6 || !token.matches("[a-z0-9]{6}\\.[a-z0-9]{16}")) {
        return false;
      }
      String id = token.substring(0, dot);
      ObjectNode secret = client.find(Types.SECRETS, "kube-system", "bootstrap-token-" + id).orElse(null);
      if (secret == null || !TYPE.equals(secret.path("type").asText())) {
        return false;
      }
      if (!token.substring(dot + 1).equals(field(secret, "token-secret")) || !"true".equals(field(secret, "usage-bootstrap-authentication"))) {
        return false;
      }
      String expiration = field(secret, "expiration");
      return expiration == null || java.time.Instant.parse(expiration).isAfter(java.time.Instant.now());
    }

    private static String field(ObjectNode secret, String name) {
      String v = secret.path("data").path(name).asText(null);
      return v == null ? null : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
    }
  }
}
