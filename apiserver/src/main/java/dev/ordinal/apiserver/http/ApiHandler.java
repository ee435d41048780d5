package dev.ordinal.apiserver.http;

import dev.ordinal.apiserver.errors.ApiException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root handler: authentication, then routing to health, version, discovery, OpenAPI or
 * resource endpoints. Every failure leaves as a {@code Status}; nothing escapes as a stack trace.
 * Runs on virtual threads, so endpoints block freely.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final byte[] token;
  private final Routes routes;

  public ApiHandler(String token, Routes routes) {
    super(InvocationType.BLOCKING);
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.routes = routes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange ex;
    try {
      ex = new Exchange(request, response, callback);
    } catch (ApiException e) {
      new Exchange(request, response, callback, true).error(e);
      return true;
    }
    try {
      if (!routes.isPublic(ex.path()) && !authenticated(ex)) {
        throw ApiException.unauthorized();
      }
      routes.serve(ex);
    } catch (ApiException e) {
      if (!ex.completed()) {
        ex.error(e);
      } else {
        ex.fail(e);
      }
    } catch (RuntimeException | Error e) {
      log.error("{} {} failed", ex.method(), ex.path(), e);
      if (!ex.completed()) {
        ex.error(ApiException.internal(String.valueOf(e.getMessage())));
      } else {
        ex.fail(e);
      }
    }
    return true;
  }

  private boolean authenticated(Exchange ex) {
    return bearerMatches(ex.header("Authorization"), token);
  }

  /** Whether an Authorization header carries the token (compared in constant time). */
  public static boolean bearerMatches(String auth, byte[] token) {
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
