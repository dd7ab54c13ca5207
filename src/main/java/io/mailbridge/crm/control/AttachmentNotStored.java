package io.mailbridge.crm.control;

import io.mailbridge.platform.problem.NotFound;

/** An attachment of a captured email that was kept as a description only, without its bytes. */
public class AttachmentNotStored extends NotFound {

  public AttachmentNotStored(String name) {
    super(
        "attachment_not_stored",
        "The attachment \""
            + name
            + "\" was captured as a description only: this org does not store the files of"
            + " captured mail (capture setting storeAttachments). Open it in the mailbox.");
  }
}
