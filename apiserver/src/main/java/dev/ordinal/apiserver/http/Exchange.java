package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.protobuf.ProtoException;
import dev.ordinal.apiserver.protobuf.ProtobufBodies;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One HTTP request and its response, with the reading and writing the API needs. Blocking. */
public final class Exchange implements dev.ordinal.apiserver.audit.AuditedRequest {
  /** Kubernetes' limit on request bodies. */
  public static final int MAX_BODY = 3 * 1024 * 1024;

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final Fields query;
  private boolean completed;
  private boolean bodyRead;
  private dev.ordinal.apiserver.auth.UserInfo user = dev.ordinal.apiserver.auth.UserInfo.ANONYMOUS;
  private dev.ordinal.apiserver.auth.UserInfo requester; // for the audit log: differs from user when impersonating
  private ObjectNode errorStatus; // for the audit log
  private String requestObjectName; // for the audit log
  private dev.ordinal.apiserver.authz.Decision authorization; // for the audit log's annotations

  Exchange(Request request, Response response, Callback callback) {
    this(request, response, callback, false);
  }

  /** With {@code noQuery}, the query string is not parsed (to answer a malformed one). */
  Exchange(Request request, Response response, Callback callback, boolean noQuery) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    if (noQuery) {
      this.query = new Fields();
      return;
    }
    Fields q;
    try {
      q = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("malformed query string");
    }
    this.query = q;
  }

  /**
   * Reads and drops a small request body that will not be used (a refused request's, or one its
   * route ignores, as selfsubjectreviews'): a server that answers with the body still unread closes
   * the connection, which can reset it under the answer or under the client's next request on it. Large or unbounded bodies are left (the connection
   * closes as before).
   */
  void discardSmallBody() {
    if (bodyRead) {
      return;
    }
    bodyRead = true;
    long length = request.getLength();
    if (length <= 0 || length > 1024 * 1024) {
      return;
    }
    try {
      Content.Source.consumeAll(request);
    } catch (Exception e) {
      // the client went away; nothing to answer
    }
  }

  /** Who made the request (set by the authentication before routing). */
  public dev.ordinal.apiserver.auth.UserInfo user() {
    return user;
  }

  void user(dev.ordinal.apiserver.auth.UserInfo user) {
    this.user = user;
  }

  public String method() {
    return request.getMethod();
  }

  @Override
  public String requestUri() {
    return request.getHttpURI().getPathQuery();
  }

  @Override
  public dev.ordinal.apiserver.auth.UserInfo requester() {
    return requester != null ? requester : user;
  }

  /** Who the credentials named, before impersonation (set by the authentication). */
  void requester(dev.ordinal.apiserver.auth.UserInfo requester) {
    this.requester = requester;
  }

  @Override
  public int status() {
    return response.getStatus();
  }

  @Override
  public ObjectNode errorStatus() {
    return errorStatus;
  }

  @Override
  public String requestObjectName() {
    return requestObjectName;
  }

  @Override
  public dev.ordinal.apiserver.authz.Decision authorization() {
    return authorization;
  }

  void authorization(dev.ordinal.apiserver.authz.Decision decision) {
    this.authorization = decision;
  }

  @Override
  public String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  @Override
  public boolean presentedCertificate() {
    return peerCertificates() != null;
  }

  /** The client's certificate chain (leaf first) as TLS received it, unverified; null when none. */
  public java.security.cert.X509Certificate[] peerCertificates() {
    return peerCertificates(request);
  }

  /** The client certificates of any Jetty request (a WebSocket upgrade's too), from Jetty's TLS session data. */
  public static java.security.cert.X509Certificate[] peerCertificates(Request request) {
    // SecureRequestCustomizer puts the connection's TLS session data on every request it sees
    if (request.getAttribute(org.eclipse.jetty.io.EndPoint.SslSessionData.ATTRIBUTE)
        instanceof org.eclipse.jetty.io.EndPoint.SslSessionData tls) {
      java.security.cert.X509Certificate[] chain = tls.peerCertificates();
      return chain == null || chain.length == 0 ? null : chain;
    }
    return null;
  }

  public String path() {
    // canonical: dot segments resolved, so ".." can never address another namespace
    return Request.getPathInContext(request);
  }

  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Every value of a header, in order; empty when absent. */
  public java.util.List<String> headerValues(String name) {
    return request.getHeaders().getValuesList(name);
  }

  /** Every header whose name starts with {@code prefix} (case-insensitive), by lower-cased name. */
  public java.util.Map<String, java.util.List<String>> headersStartingWith(String prefix) {
    java.util.Map<String, java.util.List<String>> out = new java.util.LinkedHashMap<>();
    for (var field : request.getHeaders()) {
      String name = field.getName().toLowerCase(java.util.Locale.ROOT);
      if (name.startsWith(prefix)) {
        out.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(field.getValue());
      }
    }
    return out;
  }

  /** A query parameter, or "" when absent. */
  public String param(String name) {
    String v = query.getValue(name);
    return v == null ? "" : v;
  }

  /** A boolean query parameter ({@code watch}, {@code follow}, …) by {@link #bool}. */
  public boolean flag(String name) {
    return bool(query.getValue(name));
  }

  /**
   * A boolean query parameter as Kubernetes decodes it into its options structs
   * (Convert_Slice_string_To_bool): absent, {@code 0} and {@code false} in any case are false;
   * anything else, the empty value included, is true. Python clients send {@code watch=True}
   * (Patroni's kubernetes DCS does), which must not be taken for a list.
   */
  public static boolean bool(String value) {
    return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
  }

  public long longParam(String name) {
    String v = param(name);
    if (v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid value for " + name + ": \"" + v + "\"");
    }
  }

  /** The content type without parameters, lower case; "" when absent. */
  public String contentType() {
    String ct = header("Content-Type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  /** The whole body, at most {@link #MAX_BODY} bytes. */
  public byte[] body() {
    bodyRead = true;
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        // the rest of the body is never read: the connection cannot be reused
        response.getHeaders().put("Connection", "close");
        throw ApiException.tooLarge("Request entity too large: limit is 3145728");
      }
      return b;
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  /** The body as a JSON object (JSON, or YAML when the content type says so). */
  public ObjectNode bodyObject() {
    JsonNode n = bodyTree();
    if (!(n instanceof ObjectNode o)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return o;
  }

  /** The body as any JSON value (patches may be arrays). */
  public JsonNode bodyTree() {
    JsonNode n = optionalBodyTree();
    if (n == null) {
      throw ApiException.badRequest("the request body is empty");
    }
    return n;
  }

  /**
   * The body as a JSON value, decoded by its content type (JSON, YAML or Kubernetes protobuf);
   * null when there is none (DeleteOptions are optional).
   */
  public JsonNode optionalBodyTree() {
    byte[] b = body();
    if (b.length == 0) {
      return null;
    }
    String ct = contentType();
    if (ct.equals("application/vnd.kubernetes.protobuf")) {
      try {
        JsonNode n = ProtobufBodies.decode(b);
        requestObjectName = n == null ? null : n.path("metadata").path("name").textValue();
        return n;
      } catch (ProtoException e) {
        throw new ApiException(415, "UnsupportedMediaType", e.getMessage(), null);
      }
    }
    try {
      JsonNode n = ct.endsWith("yaml") ? Json.YAML.readTree(b) : Json.MAPPER.readTree(b);
      requestObjectName = n == null ? null : n.path("metadata").path("name").textValue();
      return n == null || n.isMissingNode() ? null : n;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the request body is not valid " + (ct.endsWith("yaml") ? "YAML" : "JSON") + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("could not read the request body: " + e.getMessage());
    }
  }

  public void json(int status, JsonNode body) {
    json(status, body, "application/json");
  }

  public void json(int status, JsonNode body, String contentType) {
    send(status, contentType, Json.bytes(body));
  }

  /**
   * Writes a large JSON body as it is serialized, without holding all of it in memory first
   * (lists of thousands of objects).
   */
  public void jsonStreamed(int status, JsonNode body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    completed = true;
    try (OutputStream out = Content.Sink.asOutputStream(response)) {
      Json.MAPPER.writeValue(out, body);
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    callback.succeeded();
  }

  public void text(int status, String body) {
    send(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  /** Every whole answer first drops a small body its handler left unread (a refusal's, or one the route ignores). */
  public void send(int status, String contentType, byte[] body) {
    discardSmallBody();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    completed = true;
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  public void error(ApiException e) {
    ObjectNode status = e.toStatus();
    errorStatus = status;
    long retryAfter = status.path("details").path("retryAfterSeconds").asLong(0);
    if (retryAfter > 0) {
      header("Retry-After", Long.toString(retryAfter)); // as Kubernetes' 429s and 503s carry it
    }
    json(e.code(), status);
  }

  public void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /** Starts a streamed response (watch); the caller writes and closes the stream, then calls {@link #finish}. */
  public OutputStream stream(int status, String contentType) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    completed = true;
    return Content.Sink.asOutputStream(response);
  }

  public void finish() {
    callback.succeeded();
  }

  public void fail(Throwable t) {
    callback.failed(t);
  }

  boolean completed() {
    return completed;
  }
}
