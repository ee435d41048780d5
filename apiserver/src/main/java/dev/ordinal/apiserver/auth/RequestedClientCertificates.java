package dev.ordinal.apiserver.auth;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The API server's TLS trust for clients, as Go's {@code tls.RequestClientCert} with the client CA
 * named: the handshake asks for a certificate issued by the CA, and takes whatever the client
 * presents (TLS still checks that the client holds its key), leaving verification to
 * {@link ClientCertificates} at request time. JSSE's own trust manager would fail the handshake for
 * an untrusted certificate, where Kubernetes answers 401 — and a valid bearer token on the same
 * connection must still count. Serves the server side only.
 */
public final class RequestedClientCertificates extends X509ExtendedTrustManager {
  private final X509Certificate[] issuers;

  public RequestedClientCertificates(ClientCertificates verifier) {
    this.issuers = verifier.issuers();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // verified per request by ClientCertificates
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // verified per request by ClientCertificates
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // verified per request by ClientCertificates
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the API server's trust manager does not verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("the API server's trust manager does not verify servers");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("the API server's trust manager does not verify servers");
  }

  /** The CAs named in the certificate request, so clients holding several certificates pick theirs. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return issuers.clone();
  }
}
