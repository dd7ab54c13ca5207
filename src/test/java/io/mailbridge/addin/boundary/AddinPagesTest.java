package io.mailbridge.addin.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.ExchangeHostEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddinPagesTest {

  @Test
  void outlookOnTheWebAndEachOwaHostMayFrameThePane() {
    String ancestors =
        AddinPages.ancestors(
            List.of("https://outlook.office.com"),
            List.of(
                new ExchangeHostEntry("mail.example.com", false, false),
                new ExchangeHostEntry("owa.lan.example", true, true),
                new ExchangeHostEntry("2001:db8::5", false, false)));
    assertEquals(
        "https://outlook.office.com https://mail.example.com https://owa.lan.example"
            + " http://owa.lan.example:* https://[2001:db8::5]",
        ancestors);
  }

  @Test
  void onlyTheAddinsHtmlPagesGetAPolicyAndOnlyThePaneIsFramed() {
    AddinPages pages = new AddinPages();
    pages.outlookOnTheWeb = List.of("https://outlook.office.com");
    pages.exchangeHosts = null; // the framed pages are not asked for here
    assertTrue(pages.contentSecurityPolicy("/api/records").isEmpty());
    assertTrue(pages.contentSecurityPolicy("/addin/taskpane.js").isEmpty());
    String help = pages.contentSecurityPolicy("/addin/support.html").orElseThrow();
    assertTrue(help.endsWith("frame-ancestors 'none'"), help);
    assertTrue(!help.contains("unsafe-inline"), help);
  }
}
