package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.platform.problem.InvalidField;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CaBundleTest {

  static X509Certificate valid;
  static X509Certificate other;
  static X509Certificate expired;

  @BeforeAll
  static void certificates() {
    valid = TestCertificates.create("Contoso Root CA", 1, 365).certificate();
    other = TestCertificates.create("Contoso Issuing CA", 1, 365).certificate();
    expired = TestCertificates.create("Old CA", 10, 1).certificate();
  }

  private static List<X509Certificate> parse(String pem) {
    return CaBundle.parse(pem, new Date());
  }

  @Test
  void readsEveryCertificateOfABundle() {
    String bundle =
        TestCertificates.pem(valid) + "\n" + TestCertificates.pem(other).replace("\n", "\r\n");
    List<X509Certificate> certificates = parse(bundle);
    assertEquals(List.of(valid, other), certificates);
    assertEquals(certificates, parse(CaBundle.toPem(certificates)), "stored form reads back");
  }

  @Test
  void emptyIsNoBundle() {
    assertEquals(List.of(), parse(null));
    assertEquals(List.of(), parse("  \n"));
  }

  @Test
  void textThatIsNotPemIsRefusedNamingTheField() {
    InvalidField refused = assertThrows(InvalidField.class, () -> parse("MIIC... pasted DER"));
    assertEquals("caBundlePem", refused.field());
    assertTrue(refused.reason().contains("not PEM"), refused.reason());
  }

  @Test
  void textAroundTheBlocksIsRefused() {
    InvalidField refused =
        assertThrows(
            InvalidField.class, () -> parse("subject=CN=x\n" + TestCertificates.pem(valid)));
    assertTrue(refused.reason().contains("outside of PEM blocks"), refused.reason());
  }

  @Test
  void aPrivateKeyIsRefused() {
    String key =
        "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7\n"
            + "-----END PRIVATE KEY-----\n";
    InvalidField refused = assertThrows(InvalidField.class, () -> parse(key));
    assertTrue(refused.reason().contains("PRIVATE KEY"), refused.reason());
  }

  @Test
  void brokenBase64IsRefused() {
    String broken = "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n";
    InvalidField refused = assertThrows(InvalidField.class, () -> parse(broken));
    assertTrue(refused.reason().contains("cannot be read"), refused.reason());
  }

  @Test
  void anExpiredCertificateIsRefusedSayingSo() {
    InvalidField refused =
        assertThrows(
            InvalidField.class,
            () -> parse(TestCertificates.pem(valid) + TestCertificates.pem(expired)));
    assertEquals("caBundlePem", refused.field());
    assertTrue(refused.reason().contains("certificate 2"), refused.reason());
    assertTrue(refused.reason().contains("expired"), refused.reason());
  }

  @Test
  void aCertificateNotValidYetIsRefused() {
    Date longAgo = new Date(System.currentTimeMillis() - 400L * 24 * 3600 * 1000);
    InvalidField refused =
        assertThrows(
            InvalidField.class, () -> CaBundle.parse(TestCertificates.pem(valid), longAgo));
    assertTrue(refused.reason().contains("valid only from"), refused.reason());
  }
}
