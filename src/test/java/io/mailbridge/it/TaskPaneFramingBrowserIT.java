package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.mailbridge.browser.TaskPaneBrowser;
import io.mailbridge.itsupport.MachineRequirement;
import io.mailbridge.itsupport.Needs;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Chromium enforces the task pane's framing policy: a page on an org's OWA host shows the pane in
 * its frame, a page on any other site gets an empty, blocked frame.
 */
@Needs(MachineRequirement.CHROMIUM)
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TaskPaneFramingBrowserIT {

  static final String OWA = "owa.framing.example";
  static final String STRANGER = "stranger.framing.example";

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @ArquillianResource URL base;

  @Test
  void onlyOutlookHostsMayFrameThePane() throws Exception {
    String server = base.toString().replaceAll("/+$", "");
    ApiClient api = new ApiClient(server);
    String admin = api.accessToken("admin@it.example", "integration suite admin password");
    ApiClient.Reply before = api.get("/api/admin/exchange/hosts", admin);
    assertEquals(200, before.status(), before.body());
    String listed = before.body().trim();
    String withOwa =
        "[{\"host\":\""
            + OWA
            + "\",\"plainHttp\":true,\"privateAddress\":false}"
            + (listed.equals("[]") ? "]" : "," + listed.substring(1));
    assertEquals(200, api.put("/api/admin/exchange/hosts", admin, withOwa).status());

    HttpServer framer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] page =
        ("<!DOCTYPE html><title>Outlook</title><iframe id=\"pane\" width=\"400\" height=\"600\" src=\""
                + server
                + "/addin/taskpane.html\"></iframe>")
            .getBytes(StandardCharsets.UTF_8);
    framer.createContext(
        "/frame.html",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    framer.start();
    try (TaskPaneBrowser browser = new TaskPaneBrowser(List.of(OWA, STRANGER))) {
      int port = framer.getAddress().getPort();

      browser.open("http://" + OWA + ":" + port + "/frame.html");
      browser.driver().switchTo().frame("pane");
      browser.until(
          d -> d.findElements(By.cssSelector("[data-testid=status]")).isEmpty() ? null : true);
      Object shown = browser.script("return location.href;");
      assertTrue(String.valueOf(shown).endsWith("/addin/taskpane.html"), String.valueOf(shown));
      browser.driver().switchTo().defaultContent();

      browser.open("http://" + STRANGER + ":" + port + "/frame.html");
      browser.visible("#pane");
      browser.driver().switchTo().frame("pane");
      // A blocked frame shows the browser's own error document, never the pane: wait until the
      // frame has left about:blank, so an empty frame that has not loaded yet does not count.
      String framed =
          browser.until(
              d -> {
                Object href = browser.script("return location.href;");
                return "about:blank".equals(href) ? null : String.valueOf(href);
              });
      assertTrue(!framed.endsWith("/addin/taskpane.html"), framed);
      assertTrue(
          browser.driver().findElements(By.cssSelector("[data-testid=status]")).isEmpty(),
          "the pane must not render inside " + STRANGER);
      browser.driver().switchTo().defaultContent();
    } finally {
      framer.stop(0);
      api.put("/api/admin/exchange/hosts", admin, listed);
    }
  }
}
