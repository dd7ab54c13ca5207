package io.mailbridge.browser;

import io.mailbridge.itsupport.MachineRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, through Debian's chromedriver (Selenium never downloads a driver),
 * in a profile of its own that goes when it closes: what the task pane's and the console's browsers
 * share.
 */
public abstract class HeadlessChromium implements AutoCloseable {

  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  protected final ChromeDriver driver;
  protected final Path profile;

  /**
   * Starts the browser with the shared flags plus {@code arguments}, and with the preferences
   * {@code prefsInProfile} gives for the new profile (it may create directories in it first).
   */
  protected HeadlessChromium(
      String profilePrefix,
      List<String> arguments,
      Function<Path, Map<String, Object>> prefsInProfile) {
    if (!MachineRequirement.CHROMIUM.isPresent()) {
      // A test that opens a browser declares it with @Needs(CHROMIUM) and never gets here.
      throw new IllegalStateException(
          getClass().getSimpleName()
              + " needs "
              + MachineRequirement.CHROMIUM.need()
              + "; mark the test @Needs");
    }
    try {
      profile = Files.createTempDirectory(profilePrefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    List<String> all =
        new ArrayList<>(
            List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync"));
    all.addAll(arguments);
    all.add("--user-data-dir=" + profile);
    options.addArguments(all);
    Map<String, Object> prefs = prefsInProfile.apply(profile);
    if (!prefs.isEmpty()) {
      options.setExperimentalOption("prefs", prefs);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  public Object script(String source, Object... args) {
    return driver.executeScript(source, args);
  }

  /** Waits for a condition; each browser sets its own patience and failure report. */
  public abstract <T> T until(Function<WebDriver, T> condition);

  public WebElement visible(String css) {
    return until(
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
  }

  /** Clicks like a person: the element scrolled to the middle of the page first. */
  public void click(String css) {
    WebElement element = visible(css);
    script("arguments[0].scrollIntoView({block: 'center'});", element);
    element.click();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temporary profile left behind is harmless.
      }
    }
  }
}
