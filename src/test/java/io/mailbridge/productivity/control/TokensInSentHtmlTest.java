package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tracking tokens a stored email's HTML is read for, to find its tracked email. */
class TokensInSentHtmlTest {

  private static final String ID = "AbCdEfGhIjKlMnOpQrStUv";
  private static final String MAC = "0123456789abcdefghij_-";

  @Test
  void thePixelsTokenComesFirstThenTheLinks() {
    String html =
        "<a href=\"https://mb.example/t/c/c."
            + ID
            + ".0."
            + MAC
            + "\">x</a><p>text</p><img src=\"https://mb.example/base/t/o/o."
            + ID
            + "."
            + MAC
            + "\" width=\"1\">";
    assertEquals(
        List.of("o." + ID + "." + MAC, "c." + ID + ".0." + MAC), EmailTracking.tokensIn(html));
  }

  @Test
  void htmlWithoutTrackingOrWithMangledTokensHasNone() {
    assertEquals(List.of(), EmailTracking.tokensIn(null));
    assertEquals(List.of(), EmailTracking.tokensIn("<p>Hello, see /t/ for nothing</p>"));
    assertEquals(List.of(), EmailTracking.tokensIn("<img src=\"/t/o/o.short.mac\">"));
  }
}
