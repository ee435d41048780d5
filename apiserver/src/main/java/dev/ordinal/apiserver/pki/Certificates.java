package dev.ordinal.apiserver.pki;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * X.509 certificates made in-process: the cluster's self-signed CA, and certificates it signs for
 * servers (the API's serving certificate) and clients (users: CN = user name, O = groups, as
 * Kubernetes reads them). EC P-256 keys and ECDSA-SHA256 signatures throughout. Output is parsed
 * back by the JDK's {@link CertificateFactory}, so an encoding mistake fails here, not in a client.
 */
public final class Certificates {
  private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String ORGANIZATION = "2.5.4.10";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a certificate signed by the CA is for (its extended key usage). */
  public enum Usage {
    SERVER,
    CLIENT
  }

  private Certificates() {}

  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks EC P-256", e);
    }
  }

  /** A self-signed CA certificate (basicConstraints CA, keyCertSign) valid from an hour ago. */
  public static X509Certificate selfSignedCa(String commonName, KeyPair key, Duration validity) {
    byte[] name = name(commonName, List.of());
    byte[] ski = keyId(key.getPublic());
    List<byte[]> ext = new ArrayList<>();
    ext.add(extension("2.5.29.19", true, Der.sequence(Der.bool(true))));
    ext.add(extension("2.5.29.15", true, Der.namedBits(0, 5, 6))); // digitalSignature, keyCertSign, cRLSign
    ext.add(extension("2.5.29.14", false, Der.octetString(ski)));
    return sign(name, name, key.getPublic(), validity, ext, key.getPrivate());
  }

  /**
   * A certificate for {@code subjectKey} signed by the CA.
   *
   * @param organizations the subject's O values (a client's groups)
   * @param dnsNames, ipAddresses subject alternative names (literal addresses only)
   */
  public static X509Certificate issue(X509Certificate ca, PrivateKey caKey, String commonName, List<String> organizations,
      PublicKey subjectKey, List<String> dnsNames, List<String> ipAddresses, Usage usage, Duration validity) {
    List<byte[]> ext = new ArrayList<>();
    ext.add(extension("2.5.29.19", true, Der.sequence()));
    ext.add(extension("2.5.29.15", true, Der.namedBits(0))); // digitalSignature: all an ECDHE handshake needs
    ext.add(extension("2.5.29.37", false, Der.sequence(Der.oid(usage == Usage.SERVER ? SERVER_AUTH : CLIENT_AUTH))));
    ext.add(extension("2.5.29.35", false, Der.sequence(Der.implicit(0, keyId(ca.getPublicKey())))));
    List<byte[]> names = new ArrayList<>();
    dnsNames.forEach(d -> names.add(Der.implicit(2, d.getBytes(StandardCharsets.US_ASCII))));
    for (String ip : ipAddresses) {
      names.add(Der.implicit(7, literalAddress(ip)));
    }
    if (!names.isEmpty()) {
      ext.add(extension("2.5.29.17", false, Der.sequence(names.toArray(byte[][]::new))));
    }
    byte[] issuer = ca.getSubjectX500Principal().getEncoded();
    return sign(issuer, name(commonName, organizations), subjectKey, validity, ext, caKey);
  }

  private static X509Certificate sign(byte[] issuer, byte[] subject, PublicKey key, Duration validity, List<byte[]> extensions,
      PrivateKey signer) {
    ZonedDateTime now = ZonedDateTime.now();
    byte[] algorithm = Der.sequence(Der.oid(ECDSA_SHA256));
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
        Der.integer(new BigInteger(127, RANDOM).add(BigInteger.ONE)),
        algorithm,
        issuer,
        Der.sequence(Der.time(now.minusHours(1)), Der.time(now.plus(validity))), // an hour of clock skew
        subject,
        key.getEncoded(), // SubjectPublicKeyInfo, already DER
        Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(signer);
      s.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bitString(s.sign()));
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
    }
  }

  /** An X.500 name: one RDN per O value, then CN (the order OpenSSL prints as "O=…, CN=…"). */
  private static byte[] name(String commonName, List<String> organizations) {
    List<byte[]> rdns = new ArrayList<>();
    for (String o : organizations) {
      rdns.add(Der.set(Der.sequence(Der.oid(ORGANIZATION), Der.utf8(o))));
    }
    rdns.add(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
    return Der.sequence(rdns.toArray(byte[][]::new));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  /** A key identifier: SHA-1 of the encoded public key (RFC 5280 §4.2.1.2 allows any such method). */
  private static byte[] keyId(PublicKey key) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(key.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] literalAddress(String ip) {
    if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
    try {
      return InetAddress.getByName(ip).getAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }

  /** PEM of a certificate, as kubeconfigs and {@code ca.crt} files carry it. */
  public static String pem(X509Certificate cert) {
    try {
      return pem("CERTIFICATE", cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM of a private key (PKCS#8). */
  public static String pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }

  public static X509Certificate parseCertificate(String pem) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A PKCS#8 private key from PEM; {@code algorithm} is "EC" or "RSA". */
  public static PrivateKey parsePrivateKey(String pem, String algorithm) throws GeneralSecurityException {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }
}
