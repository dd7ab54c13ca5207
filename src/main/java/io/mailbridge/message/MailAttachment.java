package io.mailbridge.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * An attachment as a provider describes it; the bytes are read only when someone stores it, so
 * unchosen attachments are never downloaded.
 */
public record MailAttachment(String name, String contentType, long size, Content content) {

  /** Opens the attachment's bytes; each call may fetch them from the provider again. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }
}
