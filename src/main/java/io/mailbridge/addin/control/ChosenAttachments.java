package io.mailbridge.addin.control;

import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.problem.AttachmentTooLarge;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the attachments a rep chose against the ones the message has and against the size limit,
 * before anything is downloaded or stored.
 */
@ApplicationScoped
public class ChosenAttachments {

  @Inject
  @ConfigProperty(name = "mailbridge.attachments.max-bytes", defaultValue = "26214400")
  long maxAttachmentBytes;

  /** The chosen ids, each once, in the rep's order; 400 for a stranger, 413 for a giant. */
  public List<String> checked(Map<String, MailAttachment> described, List<String> chosenIds) {
    List<String> chosen = new ArrayList<>();
    for (String id : chosenIds) {
      MailAttachment attachment = described.get(id);
      if (attachment == null) {
        throw new InvalidField(
            "attachmentIds", "\"" + id + "\" is not an attachment of this email");
      }
      if (attachment.size() > maxAttachmentBytes) {
        throw new AttachmentTooLarge(
            "too_large",
            "\""
                + attachment.name()
                + "\" is larger than the "
                + maxAttachmentBytes / (1024 * 1024)
                + " MB Mailbridge accepts for an attachment");
      }
      if (!chosen.contains(id)) {
        chosen.add(id);
      }
    }
    return chosen;
  }
}
