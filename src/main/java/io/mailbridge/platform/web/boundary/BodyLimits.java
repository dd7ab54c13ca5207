package io.mailbridge.platform.web.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The largest request body each route takes, from MicroProfile Config. */
@ApplicationScoped
public class BodyLimits {

  @Inject
  @ConfigProperty(name = "mailbridge.http.max-json-bytes", defaultValue = "262144")
  long maxJsonBytes;

  @Inject
  @ConfigProperty(name = "mailbridge.http.max-import-bytes", defaultValue = "67108864")
  long maxImportBytes;

  // A message to send later arrives whole, attachments included (as base64 inside JSON).
  @Inject
  @ConfigProperty(name = "mailbridge.http.max-scheduled-send-bytes", defaultValue = "16777216")
  long maxScheduledSendBytes;

  /** The limit for a request to this path (the servlet path and path info, from the root). */
  public long forPath(String path) {
    if (isImport(path)) {
      return maxImportBytes;
    }
    return isScheduledSend(path) ? Math.max(maxJsonBytes, maxScheduledSendBytes) : maxJsonBytes;
  }

  /**
   * The most any JSON body may be, whatever its route: {@link RequestBodyLimit} holds each route to
   * its own limit before the body is read.
   */
  public long largestJson() {
    return Math.max(maxJsonBytes, maxScheduledSendBytes);
  }

  static boolean isScheduledSend(String path) {
    return "/api/scheduled-sends".equals(path);
  }

  /** The limit for JSON bodies, which are read whole into memory. */
  public long json() {
    return maxJsonBytes;
  }

  // CSV imports are streamed row by row, so they may be large; everything else is small JSON.
  static boolean isImport(String path) {
    return path != null && path.startsWith("/api/records/") && path.endsWith("/import");
  }
}
