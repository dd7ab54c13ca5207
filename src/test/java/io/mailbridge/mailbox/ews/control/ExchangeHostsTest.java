package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.ExchangeHostEntry;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The org admin's Exchange allow-list under the operator's switch for private addresses. */
class ExchangeHostsTest {

  @Test
  void privateAddressIsRefusedWhileTheOperatorHasNotAllowedIt() {
    ExchangeHosts hosts = new ExchangeHosts();
    hosts.privateAddressesAllowed = () -> false;
    // No database: the list must be refused before anything is written.
    InvalidField refused =
        assertThrows(
            InvalidField.class,
            () ->
                hosts.replace(
                    "org-1",
                    List.of(
                        new ExchangeHostEntry("mail.example.com", false, false),
                        new ExchangeHostEntry("exchange.corp.example", false, true))));
    assertEquals(400, ErrorAnswer.status(refused));
    assertEquals("invalid_field", refused.code());
    assertTrue(refused.getMessage().startsWith("[1].privateAddress: "), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("mailbridge.outbound.allow-private-addresses"),
        refused.getMessage());
  }
}
