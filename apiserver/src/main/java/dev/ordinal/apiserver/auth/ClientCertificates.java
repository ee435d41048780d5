package dev.ordinal.apiserver.auth;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Users by X.509 client certificate, as upstream's x509 authenticator with its common-name
 * conversion: a chain that verifies to the client CA, is valid now and may be used for client
 * authentication names the user {@code CN}, in the groups of its {@code O} values (in the
 * certificate's order) and {@code system:authenticated}; its credential id is the SHA-256 of the
 * certificate. A certificate without a CN names nobody. The TLS layer lets every presented
 * certificate through (see {@link RequestedClientCertificates}) so that an untrusted one is a 401
 * here, as with Go's {@code RequestClientCert}, not a failed handshake. Verifying costs ~80 µs
 * (the ECDSA signature); chains that verified are remembered, so a client's every request after
 * its first costs a lookup and the validity check. Thread-safe; no I/O.
 */
public final class ClientCertificates {
  static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final String COMMON_NAME = "CN";
  private static final String ORGANIZATION = "O";

  /** How many verified chains are remembered (bounded as ServiceAccountTokens' verified tokens). */
  static final int VERIFIED_CACHE_SIZE = 10_000;

  private final Set<TrustAnchor> anchors;
  private final Clock clock;
  // a chain that verified → its user and the window its path is valid in; validity is checked on every use
  private final ConcurrentHashMap<List<X509Certificate>, Verified> verified = new ConcurrentHashMap<>();

  private record Verified(UserInfo user, Instant notBefore, Instant notAfter) {}

  /** @param cas the CAs whose certificates name users (the cluster CA) */
  public ClientCertificates(List<X509Certificate> cas) {
    this(cas, Clock.systemUTC());
  }

  ClientCertificates(List<X509Certificate> cas, Clock clock) {
    if (cas.isEmpty()) {
      throw new IllegalArgumentException("client certificates need at least one CA");
    }
    List<TrustAnchor> list = new ArrayList<>();
    cas.forEach(ca -> list.add(new TrustAnchor(ca, null)));
    this.anchors = Set.copyOf(list);
    this.clock = clock;
  }

  /** The CAs, in the order TLS names them to clients as acceptable issuers. */
  public X509Certificate[] issuers() {
    return anchors.stream().map(TrustAnchor::getTrustedCert).toArray(X509Certificate[]::new);
  }

  /** What a presented chain comes to. */
  public sealed interface Outcome {
    /** The chain verified and named a user. */
    record Authenticated(UserInfo user) implements Outcome {}

    /** The chain did not verify (unknown CA, expired, not for client use) or names nobody; why, for the log. */
    record Rejected(String reason) implements Outcome {}

    /** No certificate was presented. */
    record Absent() implements Outcome {}
  }

  /**
   * Verifies the client's chain (leaf first, as TLS presents it; null or empty when none was
   * presented) and converts it into a user.
   */
  public Outcome authenticate(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return new Outcome.Absent();
    }
    X509Certificate leaf = chain[0];
    // X509Certificate's equals and hashCode are its encoding's: the same chain on every request of a connection
    List<X509Certificate> key = List.of(chain);
    Verified known = verified.get(key);
    Instant now = clock.instant();
    if (known != null && !now.isBefore(known.notBefore()) && !now.isAfter(known.notAfter())) {
      return new Outcome.Authenticated(known.user());
    }
    List<X509Certificate> path;
    try {
      path = verify(chain, now);
    } catch (GeneralSecurityException e) {
      return new Outcome.Rejected("verifying certificate " + describe(leaf) + " failed: " + e.getMessage());
    }
    Optional<UserInfo> user = userOf(leaf);
    if (user.isEmpty()) {
      return new Outcome.Rejected("certificate " + describe(leaf) + " has no common name");
    }
    if (verified.size() >= VERIFIED_CACHE_SIZE) {
      verified.clear(); // crude, but bounded; chains in use are verified again once
    }
    Instant notBefore = path.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElseThrow();
    Instant notAfter = path.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    verified.put(key, new Verified(user.get(), notBefore, notAfter));
    return new Outcome.Authenticated(user.get());
  }

  /** The user a verified certificate names: empty without a CN (upstream's CommonNameUserConversion). */
  static Optional<UserInfo> userOf(X509Certificate cert) {
    String commonName = null;
    List<String> groups = new ArrayList<>();
    for (Rdn rdn : subject(cert)) {
      // each RDN may hold several attributes; LdapName keeps them, so multi-valued RDNs count too
      for (var attrs = rdn.toAttributes().getAll(); attrs.hasMoreElements(); ) {
        var attr = attrs.nextElement();
        try {
          for (var values = attr.getAll(); values.hasMoreElements(); ) {
            String value = String.valueOf(values.nextElement());
            if (attr.getID().equalsIgnoreCase(COMMON_NAME) && commonName == null) {
              commonName = value; // Go keeps the first CN
            } else if (attr.getID().equalsIgnoreCase(ORGANIZATION)) {
              groups.add(value);
            }
          }
        } catch (javax.naming.NamingException e) {
          throw new IllegalStateException(e); // BasicAttribute's values are in memory
        }
      }
    }
    if (commonName == null || commonName.isEmpty()) {
      return Optional.empty();
    }
    if (!groups.contains(UserInfo.AUTHENTICATED)) {
      groups.add(UserInfo.AUTHENTICATED);
    }
    return Optional.of(new UserInfo(commonName, "", groups, Map.of(CREDENTIAL_ID, List.of("X509SHA256=" + fingerprint(cert)))));
  }

  /** The subject's RDNs in the certificate's (DER) order: LdapName lists them right to left of the RFC 2253 string. */
  private static List<Rdn> subject(X509Certificate cert) {
    try {
      return new LdapName(cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253)).getRdns();
    } catch (InvalidNameException e) {
      return List.of(); // the JDK printed it; it parses
    }
  }

  /** Verifies the chain at {@code at}; returns the path from the leaf up to (without) the CA. */
  private List<X509Certificate> verify(X509Certificate[] chain, Instant at) throws GeneralSecurityException {
    X509Certificate leaf = chain[0];
    Date now = Date.from(at);
    // the leaf's own dates first: PKIX would say the same with a vaguer message
    leaf.checkValidity(now);
    X509CertSelector target = new X509CertSelector();
    target.setCertificate(leaf);
    PKIXBuilderParameters params;
    try {
      params = new PKIXBuilderParameters(anchors, target);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException(e);
    }
    params.setRevocationEnabled(false); // no CRLs in a cluster CA, as upstream
    params.setDate(now);
    params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(Arrays.asList(chain))));
    PKIXCertPathBuilderResult path;
    try {
      path = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
    } catch (java.security.cert.CertPathBuilderException e) {
      throw new GeneralSecurityException("x509: certificate signed by unknown authority", e);
    }
    // Go's verify with ExtKeyUsageClientAuth: every certificate of the chain that restricts its use must allow it
    List<X509Certificate> certs = new ArrayList<>();
    for (var c : path.getCertPath().getCertificates()) {
      checkClientUsage((X509Certificate) c);
      certs.add((X509Certificate) c);
    }
    return certs;
  }

  private static void checkClientUsage(X509Certificate cert) throws GeneralSecurityException {
    List<String> usages;
    try {
      usages = cert.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new GeneralSecurityException("x509: malformed extended key usage", e);
    }
    if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
      throw new GeneralSecurityException("x509: certificate specifies an incompatible key usage");
    }
  }

  private static String describe(X509Certificate cert) {
    return "\"" + cert.getSubjectX500Principal().getName() + "\"";
  }

  static String fingerprint(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
