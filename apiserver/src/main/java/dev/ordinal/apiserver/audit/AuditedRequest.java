package dev.ordinal.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.auth.UserInfo;

/**
 * What the audit log needs to know of a request once it is answered; the API's {@code Exchange}
 * is one. Implementations answer from memory (nothing here reads the body or the network).
 */
public interface AuditedRequest {
  String method();

  /** The canonical path (dot segments resolved). */
  String path();

  /** The request URI as the client sent it: path and query, still escaped. */
  String requestUri();

  /** A request header, or null when absent. */
  String header(String name);

  /** A query parameter, or "" when absent. */
  String param(String name);

  /** Who the request acts as: the authenticated user, or whom it impersonates ({@link UserInfo#ANONYMOUS} before and without). */
  UserInfo user();

  /** Who the request's credentials named; {@link #user()} differs when the request impersonates someone. */
  UserInfo requester();

  /** The response's status code. */
  int status();

  /** The {@code Status} the request was refused with, or null when it succeeded. */
  ObjectNode errorStatus();

  /** {@code metadata.name} of the object in the request body, when it had one (a create's). */
  String requestObjectName();

  /** The address of the client's end of the connection. */
  String remoteAddress();

  /** Whether the client presented a certificate in the TLS handshake (verified or not). */
  boolean presentedCertificate();

  /** The authorizer's answer to the request, or null when it was not asked (health, a failed authentication). */
  default dev.ordinal.apiserver.authz.Decision authorization() {
    return null;
  }
}
