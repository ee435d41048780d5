package dev.ordinal.apiserver.http;

import dev.ordinal.apiserver.auth.Authenticator;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Impersonation;
import dev.ordinal.apiserver.authz.RbacAuthorizer;
import dev.ordinal.apiserver.authz.RequestUser;
import dev.ordinal.apiserver.errors.ApiException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root handler: authentication, impersonation and authorization, then routing to health, version, discovery, OpenAPI or
 * resource endpoints. Every failure leaves as a {@code Status}; nothing escapes as a stack trace.
 * Runs on virtual threads, so endpoints block freely.
 */
public final class ApiHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final Authenticator authenticator;
  private final RbacAuthorizer authorizer;
  private final Routes routes;
  private final dev.ordinal.apiserver.audit.Auditor audit;

  public ApiHandler(Authenticator authenticator, RbacAuthorizer authorizer, Routes routes, dev.ordinal.apiserver.audit.Auditor audit) {
    super(InvocationType.BLOCKING);
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.routes = routes;
    this.audit = audit;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    java.time.Instant received = java.time.Instant.now();
    Exchange ex;
    try {
      ex = new Exchange(request, response, callback);
    } catch (ApiException e) {
      new Exchange(request, response, callback, true).error(e);
      return true;
    }
    try {
      UserInfo user = authenticator.authenticate(ex.header("Authorization"), ex.peerCertificates()).orElse(null);
      if (user == null && !routes.isPublic(ex.path())) {
        throw ApiException.unauthorized();
      }
      UserInfo acting = authorize(ex, user == null ? UserInfo.ANONYMOUS : user);
      RequestUser.runAs(acting, () -> routes.serve(ex));
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
    audit.record(ex, received);
    RequestMetrics.record(ex, received);
    return true;
  }

  /**
   * Impersonation, then RBAC, as upstream's filter chain orders them; the user the request then
   * acts as. Health, version and the OIDC documents need no permission.
   */
  private UserInfo authorize(Exchange ex, UserInfo requester) {
    ex.requester(requester);
    UserInfo acting = Impersonation.actAs(requester, ex::headerValues, ex.headersStartingWith("impersonate-extra-"), authorizer);
    ex.user(acting);
    if (!routes.isPublic(ex.path())) {
      dev.ordinal.apiserver.authz.Attributes a = RequestAttributes.of(acting, ex.method(), ex.path(), ex.flag("watch"));
      dev.ordinal.apiserver.authz.Decision d = authorizer.authorize(a);
      ex.authorization(d);
      RbacAuthorizer.requireAllowed(a, d);
    }
    return acting;
  }
}
