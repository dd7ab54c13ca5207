package io.mailbridge.crm.entity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How an activity's JSON document is laid out before it is sealed: a document of a kilobyte or more
 * is deflated behind a zero byte, which JSON text never starts with, so rows written before (plain
 * UTF-8) still read. An email's bodies shrink to about a quarter, and so does the work of sealing
 * them: AES-GCM over the plain document was a tenth of a capture backfill's CPU, and its pages the
 * largest part of the database.
 */
final class ActivityDocument {

  private static final int PACKED = 0;
  private static final int SMALLEST_PACKED = 1024;

  private ActivityDocument() {}

  static byte[] pack(String json) {
    return pack(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Packs a document already encoded as UTF-8 (the array is kept when it does not shrink). */
  static byte[] pack(byte[] plain) {
    if (plain.length < SMALLEST_PACKED) {
      return plain;
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    try {
      deflater.setInput(plain);
      deflater.finish();
      ByteArrayOutputStream packed = new ByteArrayOutputStream(plain.length / 3 + 16);
      packed.write(PACKED);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        packed.write(buffer, 0, deflater.deflate(buffer));
        if (packed.size() >= plain.length) {
          return plain; // does not shrink: kept as it is
        }
      }
      return packed.toByteArray();
    } finally {
      deflater.end();
    }
  }

  static String unpack(byte[] stored) {
    if (stored.length == 0 || stored[0] != PACKED) {
      return new String(stored, StandardCharsets.UTF_8);
    }
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(stored, 1, stored.length - 1);
      ByteArrayOutputStream plain = new ByteArrayOutputStream(stored.length * 4);
      byte[] buffer = new byte[16384];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("An activity's stored document is cut short");
        }
        plain.write(buffer, 0, n);
      }
      return plain.toString(StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      throw new IllegalStateException("An activity's stored document is not readable", e);
    } finally {
      inflater.end();
    }
  }
}
