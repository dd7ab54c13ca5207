package io.mailbridge.mailbox.control;

import java.util.List;

/** One page of a contact folder's changes: see {@link SyncPage}. */
public record ContactPage(List<MailContact> changes, String next, boolean roundComplete)
    implements SyncPage<MailContact> {}
