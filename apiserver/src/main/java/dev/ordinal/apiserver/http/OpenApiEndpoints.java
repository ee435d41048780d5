package dev.ordinal.apiserver.http;

import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.openapi.OpenApiV2;
import dev.ordinal.apiserver.openapi.OpenApiV3;
import java.util.List;
import java.util.Locale;

/**
 * {@code /openapi/v2} and {@code /openapi/v3/...} as kube-openapi's handlers serve them: v2 in JSON
 * or protobuf by the Accept header (406 otherwise), both with the ETag of the JSON, so that a client
 * asking again with {@code If-None-Match} gets a 304 without a body; gzipped when the client takes
 * gzip (client-go always does). The documents are built once, so a repeated ask costs a hash compare.
 */
final class OpenApiEndpoints {
  /** What client-go's discovery client sends for the v2 document. */
  static final String PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  /** What upstream answers with for it (the "@" becomes a dot). */
  static final String PROTOBUF_V2_RESPONSE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private final OpenApiV2 v2;
  private final OpenApiV3 v3;

  OpenApiEndpoints(OpenApiV2 v2, OpenApiV3 v3) {
    this.v2 = v2;
    this.v3 = v3;
  }

  void serve(Exchange ex, List<String> parts) {
    if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    if (parts.size() == 2 && parts.get(1).equals("v2")) {
      serveV2(ex);
      return;
    }
    if (parts.size() >= 2 && parts.get(1).equals("v3")) {
      if (parts.size() == 2) {
        ex.json(200, v3.root());
        return;
      }
      String docPath = String.join("/", parts.subList(2, parts.size()));
      byte[] doc = v3.documentBytes(docPath);
      if (doc != null) {
        String hash = v3.hash(docPath);
        if (hash.equals(ex.param("hash"))) {
          // the root names each document by its hash, so a document asked for by hash never changes
          ex.header("Cache-Control", "public, immutable");
          ex.header("Expires", "Thu, 31 Dec 2099 23:59:59 GMT");
        } else {
          ex.header("Cache-Control", "no-cache, private");
        }
        sendCached(ex, "application/json", doc, null, hash);
        return;
      }
    }
    throw ApiException.notFound("the server could not find the requested resource");
  }

  private void serveV2(Exchange ex) {
    ex.header("Vary", "Accept");
    String accept = ex.header("Accept");
    for (String range : (accept == null || accept.isBlank() ? "*/*" : accept).toLowerCase(Locale.ROOT).split(",")) {
      String[] params = range.trim().split(";");
      String type = params[0].trim();
      if (refused(params)) {
        continue;
      }
      if (type.equals("application/json") || type.equals("application/*") || type.equals("*/*")) {
        OpenApiV2.Encoded json = v2.json();
        sendCached(ex, "application/json", json.bytes(), json.gzipped(), json.etag());
        return;
      }
      if (type.equals(PROTOBUF_V2) || type.equals(PROTOBUF_V2_RESPONSE)) {
        OpenApiV2.Encoded proto = v2.protobuf();
        sendCached(ex, PROTOBUF_V2_RESPONSE, proto.bytes(), proto.gzipped(), proto.etag());
        return;
      }
    }
    ex.send(406, "text/plain; charset=utf-8", new byte[0]);
  }

  /** A media range with {@code q=0} is one the client refuses. */
  private static boolean refused(String[] params) {
    for (int i = 1; i < params.length; i++) {
      String p = params[i].trim().replace(" ", "");
      if (p.startsWith("q=") && Double.parseDouble(p.substring(2).isEmpty() ? "1" : p.substring(2)) == 0) {
        return true;
      }
    }
    return false;
  }

  private static void sendCached(Exchange ex, String contentType, byte[] body, byte[] gzipped, String etag) {
    String quoted = "\"" + etag + "\"";
    ex.header("ETag", quoted);
    String ifNoneMatch = ex.header("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(quoted) || ifNoneMatch.trim().equals("*"))) {
      ex.send(304, contentType, new byte[0]);
      return;
    }
    String encodings = ex.header("Accept-Encoding");
    if (gzipped != null && encodings != null && encodings.toLowerCase(Locale.ROOT).contains("gzip")) {
      ex.header("Content-Encoding", "gzip");
      ex.send(200, contentType, gzipped);
      return;
    }
    ex.send(200, contentType, body);
  }
}
