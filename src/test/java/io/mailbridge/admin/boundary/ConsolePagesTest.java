package io.mailbridge.admin.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsolePagesTest {

  private final ConsolePages pages = new ConsolePages();

  @Test
  void theConsoleRunsOnlyItsOwnFilesAndIsNeverFramed() {
    String policy = pages.contentSecurityPolicy("/console/").orElseThrow();
    assertTrue(policy.contains("script-src 'self';"), policy);
    assertTrue(policy.contains("style-src 'self';"), policy);
    assertTrue(policy.endsWith("frame-ancestors 'none'"), policy);
    assertFalse(policy.contains("unsafe"), policy);
    assertFalse(policy.contains("*"), policy);
    assertTrue(pages.contentSecurityPolicy("/console/pages/users.js").isPresent());
  }

  @Test
  void otherPathsAreNotItsPages() {
    assertTrue(pages.contentSecurityPolicy("/console").isEmpty());
    assertTrue(pages.contentSecurityPolicy("/api/auth/me").isEmpty());
    assertTrue(pages.contentSecurityPolicy("/addin/taskpane.html").isEmpty());
    assertTrue(pages.contentSecurityPolicy("/consoles/x").isEmpty());
  }
}
