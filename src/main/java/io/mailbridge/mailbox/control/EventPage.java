package io.mailbridge.mailbox.control;

import java.util.List;

/** One page of a calendar's changes: see {@link SyncPage}. */
public record EventPage(List<MailEvent> changes, String next, boolean roundComplete)
    implements SyncPage<MailEvent> {}
