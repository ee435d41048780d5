package dev.ordinal.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The ServiceAccount token signing key: RSA 2048, RS256 (what upstream's API server uses with an
 * RSA key, and what every JWT library verifies). Its key id is upstream's: the unpadded base64url
 * SHA-256 of the DER public key, so the id in the JWKS document matches tokens' {@code kid}.
 * Thread-safe.
 */
public final class SigningKey {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static volatile SigningKey ephemeral;

  private final RSAPrivateCrtKey privateKey;
  private final RSAPublicKey publicKey;
  private final String keyId;

  private SigningKey(RSAPrivateCrtKey privateKey) throws GeneralSecurityException {
    this.privateKey = privateKey;
    this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
        .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
    this.keyId = B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
  }

  public static SigningKey generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return new SigningKey((RSAPrivateCrtKey) g.generateKeyPair().getPrivate());
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

  /** From a PKCS#8 PEM ("PRIVATE KEY"). */
  public static SigningKey fromPem(String pem) throws GeneralSecurityException {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return new SigningKey((RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64))));
  }

  public String toPem() {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  public String keyId() {
    return keyId;
  }

  byte[] sign(byte[] input) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(privateKey);
      s.update(input);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean verify(byte[] input, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
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
    k.put("use", "sig").put("kty", "RSA").put("kid", keyId).put("alg", "RS256")
        .put("n", B64URL.encodeToString(unsigned(publicKey.getModulus())))
        .put("e", B64URL.encodeToString(unsigned(publicKey.getPublicExponent())));
    return doc;
  }

  /** Big-endian without the sign byte, as JWK wants. */
  private static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 && b.length > 1 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }
}
