package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.problem.InvalidField;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An org's CA bundle for its Exchange server: PEM certificates only, each readable and valid now;
 * anything else is refused naming the field, so a wrong paste is caught when it is saved and not
 * when capture first fails.
 */
public final class CaBundle {

  static final String FIELD = "caBundlePem";
  static final int MAX_CERTIFICATES = 20;
  static final int MAX_LENGTH = 256 * 1024;

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private CaBundle() {}

  /** The certificates of a PEM bundle; an empty or blank bundle has none. */
  public static List<X509Certificate> parse(String pem, Date now) {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    if (pem.length() > MAX_LENGTH) {
      throw new InvalidField(FIELD, "is longer than " + MAX_LENGTH + " characters");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(pem);
    int end = 0;
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
    while (block.find()) {
      if (!pem.substring(end, block.start()).isBlank()) {
        throw new InvalidField(FIELD, "holds text outside of PEM blocks");
      }
      end = block.end();
      int number = certificates.size() + 1;
      if (!"CERTIFICATE".equals(block.group(1))) {
        throw new InvalidField(
            FIELD,
            "block " + number + " is a " + block.group(1) + ", not a CERTIFICATE (no keys here)");
      }
      X509Certificate certificate;
      try {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2).strip());
        certificate = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
      } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
        throw new InvalidField(FIELD, "certificate " + number + " cannot be read");
      }
      try {
        certificate.checkValidity(now);
      } catch (CertificateExpiredException e) {
        throw new InvalidField(
            FIELD,
            "certificate "
                + number
                + " ("
                + certificate.getSubjectX500Principal().getName()
                + ") expired on "
                + certificate.getNotAfter().toInstant());
      } catch (CertificateNotYetValidException e) {
        throw new InvalidField(
            FIELD,
            "certificate "
                + number
                + " ("
                + certificate.getSubjectX500Principal().getName()
                + ") is valid only from "
                + certificate.getNotBefore().toInstant());
      }
      certificates.add(certificate);
      if (certificates.size() > MAX_CERTIFICATES) {
        throw new InvalidField(FIELD, "holds more than " + MAX_CERTIFICATES + " certificates");
      }
    }
    if (!pem.substring(end).isBlank()) {
      throw new InvalidField(
          FIELD,
          certificates.isEmpty()
              ? "is not PEM: paste certificates as -----BEGIN CERTIFICATE----- blocks"
              : "holds text outside of PEM blocks");
    }
    return List.copyOf(certificates);
  }

  /** A stored bundle's certificates, without the validity check (shown and used as they are). */
  static List<X509Certificate> parseStored(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    Matcher block = BLOCK.matcher(pem);
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      while (block.find()) {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2).strip());
        certificates.add(
            (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("A stored CA bundle cannot be read", e);
    }
    return certificates;
  }

  /** The bundle as it is stored and shown: the certificates in PEM, nothing else. */
  static String toPem(List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n")
            .append(
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return pem.toString();
  }
}
