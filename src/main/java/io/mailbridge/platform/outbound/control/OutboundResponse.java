package io.mailbridge.platform.outbound.control;

import java.net.URI;
import java.net.http.HttpHeaders;

/** A response read to its end within the call's limits. */
public record OutboundResponse(URI uri, int status, HttpHeaders headers, byte[] body) {

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }
}
