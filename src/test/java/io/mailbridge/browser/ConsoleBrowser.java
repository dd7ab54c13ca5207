package io.mailbridge.browser;

import io.mailbridge.itsupport.MachineRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium at 1280×800 for the web console: the suite's public host name leads to the
 * server under test (so the OAuth callbacks, which name it, come back to this browser with its
 * cookies), downloads land in a directory of their own, and pages can be photographed.
 */
public final class ConsoleBrowser implements AutoCloseable {

  private final ChromeDriver driver;
  private final Path profile;
  private final Path downloads;

  /** A browser in which {@code publicHost} is the server at 127.0.0.1:{@code port}. */
  public ConsoleBrowser(String publicHost, int port) {
    if (!MachineRequirement.CHROMIUM.isPresent()) {
      throw new IllegalStateException(
          "ConsoleBrowser needs " + MachineRequirement.CHROMIUM.need() + "; mark the test @Needs");
    }
    try {
      profile = Files.createTempDirectory("mailbridge-console");
      downloads = Files.createDirectories(profile.resolve("downloads"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(TaskPaneBrowser.CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        "--host-resolver-rules=MAP " + publicHost + " 127.0.0.1:" + port,
        "--user-data-dir=" + profile);
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(TaskPaneBrowser.CHROMEDRIVER.toFile())
            .build();
    driver = new ChromeDriver(service, options);
    viewport(1280, 800);
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toString()));
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

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public Object script(String source, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(source, args);
  }

  public WebElement visible(String css) {
    return until(
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
  }

  public void click(String css) {
    WebElement element = visible(css);
    script("arguments[0].scrollIntoView({block: 'center'});", element);
    element.click();
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

  /** Waits up to 20 s; a timeout says where the browser was and what the page showed. */
  public <T> T until(Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(20)).until(condition::apply);
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

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temporary profile left behind is harmless.
      }
    }
  }
}
