package io.mailbridge.browser;

import io.mailbridge.itsupport.MachineRequirement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium through Debian's chromedriver (Selenium never downloads a driver), with the
 * test's fake Office.js injected into the task pane before any page script runs.
 */
public final class TaskPaneBrowser implements AutoCloseable {

  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final ChromeDriver driver;
  private final Path profile;
  private final List<String> injected = new java.util.ArrayList<>();

  public TaskPaneBrowser() {
    this(List.of());
  }

  /**
   * A browser in which each of {@code loopbackNames} resolves to 127.0.0.1 (a test's own sites).
   */
  public TaskPaneBrowser(List<String> loopbackNames) {
    if (!MachineRequirement.CHROMIUM.isPresent()) {
      // A test that opens a browser declares it with @Needs(CHROMIUM) and never gets here.
      throw new IllegalStateException(
          "TaskPaneBrowser needs " + MachineRequirement.CHROMIUM.need() + "; mark the test @Needs");
    }
    try {
      profile = Files.createTempDirectory("mailbridge-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
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
        "--disable-popup-blocking",
        // The real office.js must not load (and must not stall the page on a closed network).
        "--host-resolver-rules=MAP appsforoffice.microsoft.com 127.0.0.1:9"
            + loopbackNames.stream()
                .map(name -> ", MAP " + name + " 127.0.0.1")
                .reduce("", String::concat),
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
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

  public void open(String url) {
    driver.get(url);
  }

  public WebDriver driver() {
    return driver;
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

  /** Clicks like a person: the element scrolled to the middle of the pane first. */
  public void click(String css) {
    WebElement element = visible(css);
    script("arguments[0].scrollIntoView({block: 'center'});", element);
    element.click();
  }

  public String textOf(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

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
