package io.mailbridge.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium at 1280×800 for the web console: the suite's public host name leads to the
 * server under test (so the OAuth callbacks, which name it, come back to this browser with its
 * cookies), downloads land in a directory of their own, and pages can be photographed.
 */
public final class ConsoleBrowser extends HeadlessChromium {

  private final Path downloads;

  /** A browser in which {@code publicHost} is the server at 127.0.0.1:{@code port}. */
  public ConsoleBrowser(String publicHost, int port) {
    super(
        "mailbridge-console",
        List.of(
            "--window-size=1280,800",
            "--host-resolver-rules=MAP " + publicHost + " 127.0.0.1:" + port),
        profile ->
            Map.of(
                "download.default_directory",
                downloadsOf(profile).toString(),
                "download.prompt_for_download",
                false));
    downloads = downloadsOf(profile);
    viewport(1280, 800);
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
  }

  private static Path downloadsOf(Path profile) {
    try {
      return Files.createDirectories(profile.resolve("downloads"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page's viewport in CSS pixels (the window around it does not count). */
  public void viewport(int width, int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
  }

  /** Empties the HTTP cache, so the next load fetches everything as a first visit does. */
  public void forgetCache() {
    driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
  }

  public void type(String css, String text) {
    WebElement element = visible(css);
    element.clear();
    element.sendKeys(text);
  }

  public String textOf(String css) {
    return visible(css).getText();
  }

  /** Waits until {@code css} shows text containing {@code text}. */
  public void untilText(String css, String text) {
    until(
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .anyMatch(e -> e.isDisplayed() && e.getText().contains(text)));
  }

  /**
   * Waits up to 20 s; a timeout says where the browser was and what the page showed. An element the
   * console re-rendered while the condition looked at it counts as "not yet", not as a failure.
   */
  @Override
  public <T> T until(Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(20))
          .ignoring(StaleElementReferenceException.class)
          .until(condition::apply);
    } catch (TimeoutException e) {
      String page = driver.getPageSource();
      throw new AssertionError(
          "Timed out at "
              + driver.getCurrentUrl()
              + " showing: "
              + (page.length() > 3000 ? page.substring(0, 3000) + "…" : page),
          e);
    }
  }

  /** A PNG of the viewport, written to {@code file}. */
  public void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file downloaded under this name, once it is complete. */
  public byte[] downloaded(String name) {
    Path file = downloads.resolve(name);
    return until(
        d -> {
          try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
          } catch (IOException e) {
            return null;
          }
        });
  }
}
