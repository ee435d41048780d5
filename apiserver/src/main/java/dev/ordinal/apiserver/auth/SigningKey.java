package dev.ordinal.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ServiceAccount token signing key: EC P-256, ES256 (one of the two algorithms upstream's API
 * server signs with; an EC key is made in a millisecond where RSA costs a fresh start hundreds).
 * The JDK's P1363 signature format is JWS's r||s, so no DER conversion is needed. Its key id is
 * upstream's: the unpadded base64url SHA-256 of the DER public key, so the id in the JWKS document
 * matches tokens' {@code kid}. Thread-safe.
 */
public final class SigningKey {
  static final String ALGORITHM = "ES256";
  private static final String SIGNATURE = "SHA256withECDSAinP1363Format";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  private static volatile SigningKey ephemeral;

  private final PrivateKey privateKey;
  private final ECPublicKey publicKey;
  private final String keyId;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
    this.privateKey = privateKey;
    this.publicKey = (ECPublicKey) publicKey;
    this.keyId = B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
  }

  public static SigningKey generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      return new SigningKey(kp.getPrivate(), kp.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One key per JVM for API servers started without a data directory (tests). */
  public static SigningKey ephemeral() {
    SigningKey k = ephemeral;
    if (k == null) {
      synchronized (SigningKey.class) {
        if (ephemeral == null) {
          ephemeral = generate();
        }
        k = ephemeral;
      }
    }
    return k;
  }

  /** From {@link #toPem}: a PKCS#8 "PRIVATE KEY" and its "PUBLIC KEY" (the JDK cannot derive one from the other). */
  public static SigningKey fromPem(String pem) throws GeneralSecurityException {
    PrivateKey priv = null;
    PublicKey pub = null;
    KeyFactory kf = KeyFactory.getInstance("EC");
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2).strip());
      switch (m.group(1)) {
        case "PRIVATE KEY" -> priv = kf.generatePrivate(new PKCS8EncodedKeySpec(der));
        case "PUBLIC KEY" -> pub = kf.generatePublic(new X509EncodedKeySpec(der));
        default -> { }
      }
    }
    if (priv == null || pub == null) {
      throw new GeneralSecurityException("expected an EC PRIVATE KEY and its PUBLIC KEY in PEM");
    }
    return new SigningKey(priv, pub);
  }

  public String toPem() {
    return pem("PRIVATE KEY", privateKey.getEncoded()) + pem("PUBLIC KEY", publicKey.getEncoded());
  }

  private static String pem(String type, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
  }

  public String keyId() {
    return keyId;
  }

  byte[] sign(byte[] input) {
    try {
      Signature s = Signature.getInstance(SIGNATURE);
      s.initSign(privateKey);
      s.update(input);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean verify(byte[] input, byte[] signature) {
    try {
      Signature s = Signature.getInstance(SIGNATURE);
      s.initVerify(publicKey);
      s.update(input);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The JWKS document ({@code /openid/v1/jwks}): the public key as a JWK. */
  public ObjectNode jwks() {
    ObjectNode doc = Json.object();
    ObjectNode k = doc.putArray("keys").addObject();
    k.put("use", "sig").put("kty", "EC").put("kid", keyId).put("crv", "P-256").put("alg", ALGORITHM)
        .put("x", B64URL.encodeToString(coordinate(publicKey.getW().getAffineX())))
        .put("y", B64URL.encodeToString(coordinate(publicKey.getW().getAffineY())));
    return doc;
  }

  /** A P-256 coordinate as JWK wants it: exactly 32 big-endian bytes. */
  private static byte[] coordinate(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }
}
