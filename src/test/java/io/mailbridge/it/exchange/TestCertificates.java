package io.mailbridge.it.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** Signing certificates made by the tests themselves, with the JDK's keytool. */
public final class TestCertificates {

  private static final char[] PASSWORD = "test-store".toCharArray();

  /** A key pair and its self-signed certificate. */
  public record SigningKey(PrivateKey privateKey, X509Certificate certificate) {}

  private TestCertificates() {}

  /**
   * A new RSA key with a certificate valid from {@code startDaysAgo} days ago for {@code
   * validityDays} days (so 10 and 1 gives an expired one).
   */
  public static SigningKey create(String name, int startDaysAgo, int validityDays) {
    return generate(name, startDaysAgo, validityDays, List.of());
  }

  /**
   * A TLS server key for loopback: self-signed, with {@code IP:127.0.0.1} as its subject
   * alternative name so that host-name checks pass (the test of a wrong name uses another).
   */
  public static SigningKey createServer(String name, String subjectAlternativeName) {
    return generate(
        name, 1, 30, List.of("-ext", "SAN=" + subjectAlternativeName, "-ext", "BC:c=ca:true"));
  }

  /** The certificate in PEM, as an admin pastes it. */
  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SigningKey generate(
      String name, int startDaysAgo, int validityDays, List<String> extensions) {
    try {
      Path dir = Files.createTempDirectory("mailbridge-test-cert");
      Path store = dir.resolve("key.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process process =
          new ProcessBuilder(
                  concat(
                      extensions,
                      keytool,
                      "-genkeypair",
                      "-alias",
                      "signing",
                      "-keyalg",
                      "RSA",
                      "-keysize",
                      "2048",
                      "-sigalg",
                      "SHA256withRSA",
                      "-dname",
                      "CN=" + name,
                      "-startdate",
                      "-" + startDaysAgo + "d",
                      "-validity",
                      String.valueOf(validityDays),
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      store.toString(),
                      "-storepass",
                      new String(PASSWORD),
                      "-keypass",
                      new String(PASSWORD)))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, PASSWORD);
      }
      SigningKey key =
          new SigningKey(
              (PrivateKey) keyStore.getKey("signing", PASSWORD),
              (X509Certificate) keyStore.getCertificate("signing"));
      Files.delete(store);
      Files.delete(dir);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> concat(List<String> extensions, String... arguments) {
    List<String> all = new java.util.ArrayList<>(List.of(arguments));
    all.addAll(extensions);
    return all;
  }

  public static String thumbprint(X509Certificate certificate) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
