package dev.ordinal.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The API server's TLS key and self-signed certificate, made once with the JDK's keytool and kept
 * in the data directory. kubectl (client-go) sends a bearer token only over TLS, so the API is
 * served over HTTPS and the kubeconfig carries this certificate as its certificate authority.
 * The keystore is protected by the data directory's permissions (0700), not by its password.
 */
public final class ServingCertificate {
  static final String PASSWORD = "ordinal";
  private static final String ALIAS = "ordinal";

  private final Path keystore;
  private final X509Certificate certificate;

  private ServingCertificate(Path keystore, X509Certificate certificate) {
    this.keystore = keystore;
    this.certificate = certificate;
  }

  /** Loads the certificate, making a new one if none exists or it does not cover {@code listen}. */
  public static ServingCertificate ensure(Path dir, String listen) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path ks = dir.resolve("serving.p12");
    Set<String> names = subjectAltNames(listen);
    Path namesFile = dir.resolve("serving.names");
    String wanted = String.join(",", names);
    if (!Files.exists(ks) || !Files.exists(namesFile) || !Files.readString(namesFile).equals(wanted)) {
      Files.deleteIfExists(ks);
      generate(ks, wanted);
      DataDir.writePrivate(namesFile, wanted);
    }
    return new ServingCertificate(ks, load(ks));
  }

  private static Set<String> subjectAltNames(String listen) {
    Set<String> names = new LinkedHashSet<>(List.of("ip:127.0.0.1", "ip:::1", "dns:localhost"));
    try {
      names.add("dns:" + InetAddress.getLocalHost().getHostName());
    } catch (IOException e) {
      // no host name: loopback names suffice
    }
    if (!listen.equals("0.0.0.0") && !listen.equals("::")) {
      names.add(listen.matches("[0-9.]+|.*:.*") ? "ip:" + listen : "dns:" + listen);
    }
    return names;
  }

  private static void generate(Path ks, String sans) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
        "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3650",
        "-dname", "CN=ordinal", "-ext", "san=" + sans, "-ext", "bc:c",
        "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool could not make the serving certificate: " + out);
    }
    Files.setPosixFilePermissions(ks, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  private static X509Certificate load(Path ks) throws IOException {
    try (InputStream in = Files.newInputStream(ks)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      return (X509Certificate) store.getCertificate(ALIAS);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read " + ks + ": " + e.getMessage(), e);
    }
  }

  public Path keystore() {
    return keystore;
  }

  public String password() {
    return PASSWORD;
  }

  /** The certificate in PEM, as kubeconfig's certificate-authority-data wants it (before base64). */
  public String pem() {
    try {
      String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
