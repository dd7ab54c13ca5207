package io.mailbridge.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * An attachment as a provider describes it; the bytes are read only when someone stores it, so
 * unchosen attachments are never downloaded. Without {@code content} it is a description only:
 * capture keeps the name, type and size of attachments whose bytes the org does not store.
 */
public record MailAttachment(String name, String contentType, long size, Content content) {

  /** The same attachment as a description only, so storing it keeps no bytes. */
  public MailAttachment described() {
    return new MailAttachment(name, contentType, size, null);
  }

  /** Whether the bytes can be read, or this is a description only. */
  public boolean hasContent() {
    return content != null;
  }

  /** Opens the attachment's bytes; each call may fetch them from the provider again. */
  @FunctionalInterface
  public interface Content {
    InputStream open() throws IOException;
  }
}
