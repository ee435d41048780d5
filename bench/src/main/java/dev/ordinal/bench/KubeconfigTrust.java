package dev.ordinal.bench;

import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An SSLContext that trusts exactly the certificate authority a kubeconfig names. */
final class KubeconfigTrust {
  private KubeconfigTrust() {}

  static SSLContext sslContext(String kubeconfig) throws Exception {
    Matcher m = Pattern.compile("certificate-authority-data: (\\S+)").matcher(kubeconfig);
    if (!m.find()) {
      throw new IllegalArgumentException("no certificate-authority-data in the kubeconfig");
    }
    byte[] pem = Base64.getDecoder().decode(m.group(1));
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ordinal", CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem)));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
