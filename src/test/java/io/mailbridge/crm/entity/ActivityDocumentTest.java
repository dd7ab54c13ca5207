package io.mailbridge.crm.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * An activity's document is deflated when that makes it smaller, reads back the same, and rows
 * stored plain before still read.
 */
class ActivityDocumentTest {

  private static String email(String body) {
    return "{\"subject\":\"Quarterly review\",\"htmlBody\":\"" + body + "\"}";
  }

  @Test
  void aLargeDocumentIsStoredDeflatedAndReadsBackTheSame() {
    String json =
        email("<p>Dear Ana, the figures for Größe and €uro are attached.</p>".repeat(400));

    byte[] stored = ActivityDocument.pack(json);

    assertEquals(0, stored[0]);
    assertTrue(stored.length * 4 < json.length(), stored.length + " bytes for " + json.length());
    assertEquals(json, ActivityDocument.unpack(stored));
  }

  @Test
  void aDocumentUnderAKilobyteIsStoredAsItsText() {
    String small = email("y".repeat(1000)).substring(0, 1023);
    assertArrayEquals(small.getBytes(StandardCharsets.UTF_8), ActivityDocument.pack(small));
    assertEquals(0, ActivityDocument.pack(small + "}")[0]);
  }

  @Test
  void aDocumentStoredPlainBeforeStillReads() {
    String json = email("x".repeat(5000));
    assertEquals(json, ActivityDocument.unpack(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aCutDocumentIsAnErrorNotAShorterText() {
    byte[] stored = ActivityDocument.pack(email("the same words again ".repeat(300)));
    byte[] cut = Arrays.copyOf(stored, stored.length / 2);
    assertThrows(IllegalStateException.class, () -> ActivityDocument.unpack(cut));
  }
}
