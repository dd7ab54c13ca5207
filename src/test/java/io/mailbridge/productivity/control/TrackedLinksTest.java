package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.productivity.control.TrackedLinks.Rewritten;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackedLinksTest {

  private static Rewritten rewrite(String html) {
    return TrackedLinks.rewrite(
        html, n -> "https://mb.example/t/c/" + n, "https://mb.example/t/o/p");
  }

  @Test
  void webLinksBecomeTrackedAndTheRestStaysByteForByte() {
    String html =
        "<html><body><p style=\"color:red\">Hi <b>there</b></p>"
            + "<a href=\"https://acme.example/offer?a=1&amp;b=2\" class=\"btn\">Offer</a>"
            + "<A HREF='http://acme.example/x'>x</A>"
            + "<a target=_blank href=https://acme.example/y>y</a>"
            + "<a href=\"mailto:ann@acme.example\">mail</a>"
            + "<a href=\"#top\">top</a><a name=\"anchor\">n</a>"
            + "<abbr title=\"a href=https://no.example\">abbr</abbr>"
            + "</body></html>";
    Rewritten out = rewrite(html);
    assertEquals(
        List.of(
            "https://acme.example/offer?a=1&b=2",
            "http://acme.example/x",
            "https://acme.example/y"),
        out.links(),
        "the targets as a browser reads them (entities decoded)");
    assertEquals(
        "<html><body><p style=\"color:red\">Hi <b>there</b></p>"
            + "<a href=\"https://mb.example/t/c/0\" class=\"btn\">Offer</a>"
            + "<A HREF=\"https://mb.example/t/c/1\">x</A>"
            + "<a target=_blank href=\"https://mb.example/t/c/2\">y</a>"
            + "<a href=\"mailto:ann@acme.example\">mail</a>"
            + "<a href=\"#top\">top</a><a name=\"anchor\">n</a>"
            + "<abbr title=\"a href=https://no.example\">abbr</abbr>"
            + "<img src=\"https://mb.example/t/o/p\" width=\"1\" height=\"1\" alt=\"\""
            + " style=\"border:0;width:1px;height:1px\"></body></html>",
        out.html());
  }

  @Test
  void theSameTargetTwiceIsOneLink() {
    Rewritten out =
        rewrite("<a href=\"https://a.example/\">1</a> <a href=\"https://a.example/\">2</a>");
    assertEquals(List.of("https://a.example/"), out.links());
    assertEquals(2, out.html().split("/t/c/0", -1).length - 1);
  }

  @Test
  void withoutABodyThePixelGoesAtTheEnd() {
    Rewritten out = rewrite("plain <i>text</i>");
    assertTrue(out.html().startsWith("plain <i>text</i><img src=\"https://mb.example/t/o/p\""));
    assertEquals(List.of(), out.links());
  }

  @Test
  void scriptsSchemesAndBrokenUrlsAreNotTracked() {
    Rewritten out =
        rewrite(
            "<a href=\"javascript:alert(1)\">j</a><a href=\"https://bad host.example/\">b</a>"
                + "<a href=\"https:///nohost\">n</a><a href=\"ftp://files.example/\">f</a>"
                + "<a href=\"https://unterminated.example/");
    assertEquals(List.of(), out.links());
    assertTrue(out.html().contains("javascript:alert(1)"), "left exactly as written");
    assertFalse(out.html().contains("/t/c/"));
  }

  @Test
  void characterReferencesAreDecoded() {
    assertEquals(
        "https://a.example/?x=1&y=<2>\"'",
        TrackedLinks.decode("https://a.example/?x=1&amp;y=&lt;2&gt;&quot;&#39;"));
    assertEquals("&&", TrackedLinks.decode("&#x26;&#38;"));
    assertEquals("&nosuch; &#xZZ;", TrackedLinks.decode("&nosuch; &#xZZ;"));
  }
}
