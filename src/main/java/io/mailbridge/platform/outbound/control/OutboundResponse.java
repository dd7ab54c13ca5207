package io.mailbridge.platform.outbound.control;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A response read to its end within the call's limits, with the server's certificate chain when it
 * came over TLS (empty otherwise).
 */
public record OutboundResponse(
    URI uri, int status, HttpHeaders headers, byte[] body, List<X509Certificate> peerCertificates) {

  public OutboundResponse(URI uri, int status, HttpHeaders headers, byte[] body) {
    this(uri, status, headers, body, List.of());
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }
}
