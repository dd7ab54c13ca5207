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
    try {
      Path dir = Files.createTempDirectory("mailbridge-test-cert");
      Path store = dir.resolve("key.p12");
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Process process =
          new ProcessBuilder(
                  List.of(
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
