package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.util.StreamProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reading MIME names Jakarta Mail's stream provider, so its per-part lookup is a class lookup
 * rather than a service scan, and keeps a provider an operator named.
 */
class MimeStreamProviderTest {

  private static final String PROPERTY = "jakarta.mail.util.StreamProvider";
  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(PROPERTY);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, before);
    }
  }

  @Test
  void angusMailIsNamedWhenNothingIs() {
    System.clearProperty(PROPERTY);
    MimeMail.nameStreamProvider();
    assertEquals("org.eclipse.angus.mail.util.MailStreamProvider", System.getProperty(PROPERTY));
    assertEquals(
        "org.eclipse.angus.mail.util.MailStreamProvider",
        StreamProvider.provider().getClass().getName());
  }

  @Test
  void anOperatorsChoiceStays() {
    System.setProperty(PROPERTY, "com.example.OwnStreams");
    MimeMail.nameStreamProvider();
    assertEquals("com.example.OwnStreams", System.getProperty(PROPERTY));
  }
}
