package io.mailbridge.platform.problem;

/**
 * An attachment larger than {@code mailbridge.attachments.max-bytes}: {@code too_large} when a rep
 * chose it, {@code attachment_too_large} when the CRM refuses to store it.
 */
public class AttachmentTooLarge extends ContentTooLarge {

  public AttachmentTooLarge(String code, String message) {
    super(code, message);
  }
}
