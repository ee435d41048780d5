package dev.ordinal.apiserver.http;

import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before our handler runs (a malformed URI, a bad header) leave as Kubernetes
 * Status objects too, never as HTML pages.
 */
public final class ErrorPages extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int code = response.getStatus() > 0 ? response.getStatus() : 500;
    Object message = request.getAttribute(ERROR_MESSAGE);
    String reason = switch (code) {
      case 400 -> "BadRequest";
      case 404 -> "NotFound";
      case 413 -> "RequestEntityTooLarge";
      case 414, 431 -> "RequestEntityTooLarge";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
    ApiException e = new ApiException(code, reason, message == null ? reason : message.toString(), null);
    byte[] body = Json.bytes(e.toStatus());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    // Jetty drops the connection after a request it could not parse: say so, so clients do not reuse it
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
