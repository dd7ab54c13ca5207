package io.mailbridge.crm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class EmailHtmlSanitizerTest {

  @Test
  void scriptsHandlersJavascriptLinksAndRemoteImagesAreRemoved() {
    String out =
        EmailHtmlSanitizer.sanitize(
                "<div onmouseover=\"x()\">Hi<script>alert(1)</script>"
                    + "<img src=\"http://track.example/p.gif\"><img src=x onerror=alert(2)>"
                    + "<a href=\"JaVaScRiPt:alert(3)\">a</a><a href=\"https://ok.example\">b</a>"
                    + "<style>body{background:url(http://track.example/bg)}</style>"
                    + "<p style=\"background-image:url(http://track.example/css)\">styled</p></div>")
            .toLowerCase(Locale.ROOT);
    for (String bad :
        new String[] {
          "script", "onmouseover", "onerror", "javascript", "track.example", "<style"
        }) {
      assertFalse(out.contains(bad), bad + " in " + out);
    }
    assertTrue(out.contains("https://ok.example"), out);
    assertTrue(out.contains("styled"), out);
  }

  @Test
  void formattingTablesAndInlineImagesStay() {
    String out =
        EmailHtmlSanitizer.sanitize(
            "<table><tr><td><b>Q3</b></td></tr></table><img src=\"cid:chart1\" alt=\"chart\">");
    assertTrue(out.contains("<table>") && out.contains("<b>Q3</b>"), out);
    assertTrue(out.contains("src=\"cid:chart1\""), out);
  }

  @Test
  void noBodyStaysNoBody() {
    assertNull(EmailHtmlSanitizer.sanitize(null));
    assertEquals("", EmailHtmlSanitizer.sanitize(""));
  }
}
