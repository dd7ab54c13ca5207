package io.mailbridge.mailbox.control;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The contract against the in-memory source the use cases' tests rely on. */
class InMemoryMessageSourceTest extends MessageSourceContract {

  @Override
  protected Mailbox mailbox() {
    var attachments =
        attachments(
            "a1", "first".getBytes(StandardCharsets.UTF_8),
            "a2", "second".getBytes(StandardCharsets.UTF_8));
    InMemoryMessageSource source =
        new InMemoryMessageSource(MailboxKind.GMAIL)
            .with("m1", "Quote", "nora@fabrikam.example", List.of("sam@x.example"), attachments);
    return new Mailbox(
        source,
        new MailboxAccess(MailboxKind.GMAIL, "org-1", "c1", null, () -> "token"),
        "m1",
        "Quote",
        "nora@fabrikam.example",
        List.of("sam@x.example"),
        attachments,
        "m-missing");
  }
}
