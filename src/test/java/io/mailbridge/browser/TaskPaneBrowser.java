package io.mailbridge.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The task pane's browser: the test's fake Office.js injected before any page script runs. */
public final class TaskPaneBrowser extends HeadlessChromium {

  private final List<String> injected = new java.util.ArrayList<>();

  public TaskPaneBrowser() {
    this(List.of());
  }

  /**
   * A browser in which each of {@code loopbackNames} resolves to 127.0.0.1 (a test's own sites).
   */
  public TaskPaneBrowser(List<String> loopbackNames) {
    super(
        "mailbridge-chromium",
        List.of(
            "--disable-popup-blocking",
            // The real office.js must not load (and must not stall the page on a closed network).
            "--host-resolver-rules=MAP appsforoffice.microsoft.com 127.0.0.1:9"
                + loopbackNames.stream()
                    .map(name -> ", MAP " + name + " 127.0.0.1")
                    .reduce("", String::concat)),
        profile -> Map.of());
  }

  /**
   * Runs the settings script and then fake-office.js in every document the tab loads from now on,
   * replacing the ones injected before (an item "opened again" gets new settings).
   */
  public void injectFakeOffice(String settingsJson) {
    for (String identifier : injected) {
      driver.executeCdpCommand(
          "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", identifier));
    }
    injected.clear();
    injected.add(addScript("window.__mailbridgeFake = " + settingsJson + ";"));
    injected.add(addScript(resource("/browser/fake-office.js")));
  }

  private String addScript(String source) {
    return String.valueOf(
        driver
            .executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source))
            .get("identifier"));
  }

  /** The time zone the page's clock and Intl use from now on (DevTools emulation), e.g. a rep's. */
  public void timeZone(String id) {
    driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", id));
  }

  public String textOf(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  @Override
  public <T> T until(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition::apply);
  }

  /** Switches to the window that is not {@code current}, waiting for it to open. */
  public void switchToOtherWindow(String current) {
    String other =
        until(
            d -> {
              List<String> handles = List.copyOf(d.getWindowHandles());
              return handles.stream().filter(h -> !h.equals(current)).findFirst().orElse(null);
            });
    driver.switchTo().window(other);
  }

  private static String resource(String name) {
    try (InputStream in = TaskPaneBrowser.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
