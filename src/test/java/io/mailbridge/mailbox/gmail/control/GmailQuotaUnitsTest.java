package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.platform.outbound.control.OutboundCall;
import org.junit.jupiter.api.Test;

/** Each Gmail call is paced at the units Google documents for its method. */
class GmailQuotaUnitsTest {

  private static long units(GmailMailbox gmail, String operation) {
    return gmail.units(new OutboundCall("gmail", operation));
  }

  @Test
  void eachOperationCostsItsMethodsUnits() {
    GmailMailbox gmail = new GmailMailbox();
    gmail.messageGetUnits = 5;
    assertEquals(1, units(gmail, "profile"));
    assertEquals(1, units(gmail, "list_labels"));
    assertEquals(2, units(gmail, "history"));
    assertEquals(5, units(gmail, "list_messages"));
    assertEquals(5, units(gmail, "read_metadata"));
    assertEquals(5, units(gmail, "read_message"));
    assertEquals(5, units(gmail, "add_label"));
    assertEquals(50, units(gmail, "stop"));
    assertEquals(100, units(gmail, "watch"));
    assertEquals(100, units(gmail, "send_message"));
  }

  @Test
  void messagesGetCostsWhatTheSettingSays() {
    GmailMailbox gmail = new GmailMailbox();
    gmail.messageGetUnits = 20;
    assertEquals(20, units(gmail, "read_metadata"));
    assertEquals(20, units(gmail, "read_message"));
    assertEquals(20, units(gmail, "read_participants"));
    assertEquals(5, units(gmail, "list_messages"));
  }
}
