package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import org.junit.jupiter.api.Test;

/** The create's transactionId Graph recognises a retried create by. */
class GraphEventBookTest {

  private static MailboxAccess mailbox(String connectionId) {
    return new MailboxAccess(MailboxKind.GRAPH, "org-1", connectionId, null, () -> "token");
  }

  @Test
  void aRetriedCreateSendsTheSameTransactionIdAndOtherCreatesOthers() {
    String first = GraphEventBook.transactionId(mailbox("conn-1"), "crm-1");
    assertEquals(first, GraphEventBook.transactionId(mailbox("conn-1"), "crm-1"));
    assertNotEquals(first, GraphEventBook.transactionId(mailbox("conn-1"), "crm-2"));
    assertNotEquals(first, GraphEventBook.transactionId(mailbox("conn-2"), "crm-1"));
  }
}
