package io.mailbridge.message;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads an RFC 822 message (EWS MimeContent, Gmail {@code format=raw}), or one whose headers and
 * parts a provider describes apart (Gmail {@code format=full}), into the normalized model: headers,
 * participants and the first text and HTML bodies. Attachments found in the MIME are described with
 * their bytes; providers that fetch attachments on their own replace them.
 */
public final class MimeMail {

  private static final int MAX_DEPTH = 20;
  private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";
  private static final String ANGUS_STREAMS = "org.eclipse.angus.mail.util.MailStreamProvider";

  static {
    nameStreamProvider();
  }

  private static final Session SESSION = Session.getInstance(lenientParsing());

  private MimeMail() {}

  /** Thrown for bytes that are not a readable message. */
  public static class UnreadableMessage extends Exception {
    public UnreadableMessage(String message) {
      super(message, null, false, false);
    }
  }

  public static MailMessage read(
      String provider, String providerItemId, byte[] rfc822, boolean ownerSent)
      throws UnreadableMessage {
    return parse(provider, providerItemId, rfc822, ownerSent).message();
  }

  /**
   * The same with attachments described from their part headers only (name, type, and the size
   * their encoded length implies), their content never decoded: for a caller that keeps only the
   * descriptions, such as capture for an org that does not store attachments.
   */
  public static MailMessage readDescribingAttachments(
      String provider, String providerItemId, byte[] rfc822, boolean ownerSent)
      throws UnreadableMessage {
    return parse(provider, providerItemId, rfc822, ownerSent, false).message();
  }

  /**
   * The message and its attachments by MIME part id, numbered as Gmail numbers {@code partId}s:
   * children of the top multipart are {@code 0, 1, …}, their children {@code 1.0, 1.1, …}.
   */
  public record Parsed(MailMessage message, Map<String, MailAttachment> attachmentsByPart) {}

  public static Parsed parse(
      String provider, String providerItemId, byte[] rfc822, boolean ownerSent)
      throws UnreadableMessage {
    return parse(provider, providerItemId, rfc822, ownerSent, true);
  }

  private static Parsed parse(
      String provider,
      String providerItemId,
      byte[] rfc822,
      boolean ownerSent,
      boolean attachmentContent)
      throws UnreadableMessage {
    try {
      SharedByteArrayInputStream in = new SharedByteArrayInputStream(rfc822);
      MimeMessage mime = new MimeMessage(SESSION, in);
      Bodies bodies = new Bodies();
      collect(
          mime,
          new Raw(rfc822, (int) in.getPosition(), rfc822.length),
          bodies,
          0,
          "",
          attachmentContent);
      return new Parsed(
          message(provider, providerItemId, mime, ownerSent, rfc822.length, bodies),
          bodies.byPart());
    } catch (MessagingException | IOException | RuntimeException e) {
      throw new UnreadableMessage(
          "The message is not readable MIME: " + e.getClass().getSimpleName());
    }
  }

  /**
   * A message whose headers and parts a provider gave apart (Gmail's {@code format=full}): the
   * headers as the provider sent them, in order, read as {@link #parse} reads a message's own; the
   * bodies and attachments as a walk over the provider's part tree gathered them.
   */
  public static Parsed parse(
      String provider,
      String providerItemId,
      List<Map.Entry<String, String>> headers,
      boolean ownerSent,
      long size,
      Bodies bodies)
      throws UnreadableMessage {
    try {
      MimeMessage mime = new MimeMessage(SESSION);
      for (Map.Entry<String, String> header : headers) {
        mime.addHeader(header.getKey(), header.getValue());
      }
      return new Parsed(
          message(provider, providerItemId, mime, ownerSent, size, bodies), bodies.byPart());
    } catch (MessagingException | RuntimeException e) {
      throw new UnreadableMessage(
          "The message's headers are not readable: " + e.getClass().getSimpleName());
    }
  }

  private static MailMessage message(
      String provider,
      String providerItemId,
      MimeMessage mime,
      boolean ownerSent,
      long size,
      Bodies bodies)
      throws MessagingException {
    return new MailMessage(
        provider,
        providerItemId,
        header(mime, "Message-ID"),
        threadOf(mime),
        decoded(mime.getSubject()),
        first(addresses(mime, "From")),
        addresses(mime, "To"),
        addresses(mime, "Cc"),
        addresses(mime, "Bcc"),
        ownerSent,
        mime.getSentDate() == null ? null : mime.getSentDate().toInstant(),
        null,
        bodies.text,
        bodies.html,
        size,
        bodies.attachments);
  }

  /**
   * The marks a message's own headers carry (automation headers, RFC 2156 {@code Sensitivity}):
   * reads the header block only, not the body.
   */
  public static MessageMarks marks(byte[] rfc822) {
    try {
      return marks(new InternetHeaders(new ByteArrayInputStream(rfc822)));
    } catch (MessagingException | RuntimeException e) {
      return MessageMarks.NONE;
    }
  }

  /** The same from headers a provider gave apart from the message, in order. */
  public static MessageMarks marks(List<Map.Entry<String, String>> headers) {
    InternetHeaders kept = new InternetHeaders();
    headers.forEach(h -> kept.addHeader(h.getKey(), h.getValue()));
    return marks(kept);
  }

  private static MessageMarks marks(InternetHeaders headers) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : MessageMarks.HEADERS) {
      String value = headers.getHeader(name, ",");
      if (value != null) {
        kept.put(name, value);
      }
    }
    return new MessageMarks(kept.get("sensitivity"), List.of(), kept);
  }

  /**
   * The bodies and attachments of one message, gathered leaf part by leaf part: the first text and
   * HTML parts that are not attachments are the bodies, every other part that is an attachment or
   * not text is an attachment, kept by its MIME part id. One rule for every walk over a part tree
   * (the MIME itself, or a provider's description of it), so a message reads the same either way.
   */
  public static final class Bodies {
    String text;
    String html;
    final List<MailAttachment> attachments = new ArrayList<>();
    final Map<String, MailAttachment> byPart = new LinkedHashMap<>();

    /** A leaf's content, asked for only when the leaf turns out to be a body or an attachment. */
    public interface Content {
      /** The part's text, decoded by its charset. */
      String text() throws MessagingException, IOException;

      /** The part as an attachment with this name and type. */
      MailAttachment attachment(String name, String type) throws MessagingException, IOException;
    }

    /**
     * Takes one leaf part, described by its headers ({@code part}'s content is never read here), at
     * its MIME part id.
     */
    public void take(Part part, String partId, Content content)
        throws MessagingException, IOException {
      boolean attachment =
          Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
      if (!attachment && part.isMimeType("text/plain") && text == null) {
        text = content.text();
      } else if (!attachment && part.isMimeType("text/html") && html == null) {
        html = content.text();
      } else if (attachment || !part.isMimeType("text/*")) {
        String name = part.getFileName() == null ? "attachment" : decoded(part.getFileName());
        MailAttachment described = content.attachment(name, baseType(part.getContentType()));
        attachments.add(described);
        byPart.put(partId, described);
      }
    }

    Map<String, MailAttachment> byPart() {
      return Collections.unmodifiableMap(byPart);
    }
  }

  /** The id Gmail gives the {@code index}th child of the part {@code parent}: 0, 1, 1.0, 1.1… */
  public static String childPartId(String parent, int index) {
    return parent.isEmpty() ? String.valueOf(index) : parent + "." + index;
  }

  /** Where a part's raw content lies in the message's bytes (transfer encoding not undone). */
  private record Raw(byte[] bytes, int start, int end) {}

  /** A child of a multipart, with its raw content's place when it is known. */
  private record Child(Part part, Raw raw) {}

  private static void collect(
      Part part, Raw raw, Bodies bodies, int depth, String partId, boolean attachmentContent)
      throws MessagingException, IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (part.isMimeType("multipart/*")) {
      List<Child> children = children(part, raw);
      for (int i = 0; i < children.size(); i++) {
        Child child = children.get(i);
        collect(
            child.part(),
            child.raw(),
            bodies,
            depth + 1,
            childPartId(partId, i),
            attachmentContent);
      }
      return;
    }
    bodies.take(
        part,
        partId,
        new Bodies.Content() {
          @Override
          public String text() throws MessagingException, IOException {
            return textOf(part);
          }

          @Override
          public MailAttachment attachment(String name, String type)
              throws MessagingException, IOException {
            if (!attachmentContent) {
              return new MailAttachment(name, type, decodedSize(part, raw), null);
            }
            byte[] content;
            try (InputStream in = part.getInputStream()) {
              content = in.readAllBytes();
            }
            return new MailAttachment(
                name, type, content.length, () -> new ByteArrayInputStream(content));
          }
        });
  }

  /**
   * A multipart's children: split in place by its boundary lines ({@link MimeBoundaries}) when its
   * raw content's place is known; otherwise, or when no boundary line is found, as Jakarta Mail
   * reads them.
   */
  private static List<Child> children(Part part, Raw raw) throws MessagingException, IOException {
    // A multipart's Content-Transfer-Encoding is ignored, as Jakarta Mail ignores it by default.
    String boundary = raw == null ? null : boundary(part);
    if (boundary != null) {
      List<MimeBoundaries.Range> ranges =
          MimeBoundaries.split(raw.bytes(), raw.start(), raw.end(), boundary);
      if (!ranges.isEmpty()) {
        List<Child> children = new ArrayList<>(ranges.size());
        for (MimeBoundaries.Range range : ranges) {
          SharedByteArrayInputStream in =
              new SharedByteArrayInputStream(
                  raw.bytes(), range.start(), range.end() - range.start());
          MimeBodyPart child = new MimeBodyPart(in);
          children.add(
              new Child(
                  child,
                  new Raw(raw.bytes(), range.start() + (int) in.getPosition(), range.end())));
        }
        return children;
      }
    }
    Multipart multipart = (Multipart) part.getContent();
    List<Child> children = new ArrayList<>(multipart.getCount());
    for (int i = 0; i < multipart.getCount(); i++) {
      children.add(new Child(multipart.getBodyPart(i), null));
    }
    return children;
  }

  private static String boundary(Part part) throws MessagingException {
    try {
      String boundary = new ContentType(part.getContentType()).getParameter("boundary");
      return boundary == null || boundary.isEmpty() ? null : boundary;
    } catch (ParseException unreadable) {
      return null;
    }
  }

  /**
   * Text whose content-transfer-encoding is undone already, decoded by the charset its {@code
   * Content-Type} names as Angus Mail decodes a text part (US-ASCII when none is named); a charset
   * Java does not know reads as UTF-8 rather than losing the body.
   */
  public static String text(String contentType, byte[] content) {
    String charset = null;
    try {
      charset = contentType == null ? null : new ContentType(contentType).getParameter("charset");
    } catch (ParseException unreadable) {
      // no charset can be told from it: the default below
    }
    Charset decoding = StandardCharsets.US_ASCII;
    if (charset != null) {
      try {
        decoding = Charset.forName(MimeUtility.javaCharset(charset));
      } catch (IllegalArgumentException unknown) {
        decoding = StandardCharsets.UTF_8;
      }
    }
    return new String(content, decoding);
  }

  /**
   * How many bytes the part's content decodes to, without decoding it: for base64 the alphabet
   * characters of the raw content are counted (3 bytes in every 4); other encodings give their
   * encoded length. -1 when the length is unknown.
   */
  static long decodedSize(Part part, Raw inPlace) throws MessagingException {
    String[] encoding = part.getHeader("Content-Transfer-Encoding");
    boolean base64 =
        encoding != null && encoding.length > 0 && "base64".equalsIgnoreCase(encoding[0].strip());
    if (base64 && inPlace != null) {
      return base64Length(inPlace.bytes(), inPlace.start(), inPlace.end());
    }
    if (base64) {
      try (InputStream raw = rawContent(part)) {
        if (raw != null) {
          return base64Length(raw);
        }
      } catch (IOException | MessagingException unreadable) {
        // the estimate from the encoded length below
      }
    }
    int encoded = part.getSize();
    if (encoded < 0) {
      // Jakarta Mail says -1 for an empty part read in place; its raw content says how long.
      try (InputStream raw = rawContent(part)) {
        return raw == null ? -1 : raw.transferTo(OutputStream.nullOutputStream());
      } catch (IOException | MessagingException unreadable) {
        return -1;
      }
    }
    return base64 ? (long) encoded * 76 / 78 * 3 / 4 : encoded;
  }

  private static InputStream rawContent(Part part) throws MessagingException {
    if (part instanceof MimeBodyPart body) {
      return body.getRawInputStream();
    }
    if (part instanceof MimeMessage message) {
      return message.getRawInputStream();
    }
    return null;
  }

  /** 1 for each byte of the base64 alphabet, 0 for line breaks, padding and anything else. */
  private static final byte[] BASE64_ALPHABET = new byte[256];

  static {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64_ALPHABET[alphabet.charAt(i)] = 1;
    }
  }

  /**
   * Decoded length of base64 text: line breaks and padding are not data. A table look-up per byte
   * rather than comparisons, as this runs over every attachment of every captured email.
   */
  static long base64Length(InputStream raw) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long characters = 0;
    int read;
    while ((read = raw.read(buffer)) > 0) {
      characters += alphabetCount(buffer, 0, read);
    }
    return characters * 3 / 4;
  }

  /**
   * The same over raw content in place. Encoders write base64 in lines of one length, so while the
   * line endings fall where the first line's length puts them, lines are counted rather than their
   * bytes: a megabyte attachment costs a few thousand checks instead of a look-up per byte (4% of a
   * Graph backfill's CPU went to the per-byte count). The last such line, which may carry padding,
   * and whatever follows are counted byte by byte, as is content laid out otherwise.
   */
  static long base64Length(byte[] bytes, int start, int end) {
    int newline = start;
    while (newline < end && bytes[newline] != '\n') {
      newline++;
    }
    int regularEnd = start;
    if (newline < end) {
      int ending = newline > start && bytes[newline - 1] == '\r' ? 2 : 1;
      int line = newline + 1 - start;
      int data = line - ending;
      if (data > 0 && data % 4 == 0 && alphabetCount(bytes, start, start + data) == data) {
        while (regularEnd + line <= end
            && bytes[regularEnd + line - 1] == '\n'
            && (ending == 1 || bytes[regularEnd + line - 2] == '\r')) {
          regularEnd += line;
        }
        // The last regular line is counted with the rest: it may end in padding.
        regularEnd -= line;
      }
      long lines = (regularEnd - start) / line;
      return (lines * data + alphabetCount(bytes, regularEnd, end)) * 3 / 4;
    }
    return alphabetCount(bytes, start, end) * 3 / 4;
  }

  private static long alphabetCount(byte[] bytes, int from, int to) {
    long count = 0;
    for (int i = from; i < to; i++) {
      count += BASE64_ALPHABET[bytes[i] & 0xff];
    }
    return count;
  }

  private static String textOf(Part part) throws MessagingException, IOException {
    Object content = part.getContent();
    if (content instanceof String text) {
      return text;
    }
    try (InputStream in = part.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String baseType(String contentType) {
    if (contentType == null) {
      return "application/octet-stream";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase();
  }

  private static String threadOf(MimeMessage mime) throws MessagingException {
    String references = header(mime, "References");
    if (references != null && !references.isBlank()) {
      String first = references.strip().split("\\s+")[0];
      return first;
    }
    return header(mime, "In-Reply-To");
  }

  private static String header(Message message, String name) throws MessagingException {
    String[] values = message.getHeader(name);
    return values == null || values.length == 0 ? null : values[0].strip();
  }

  private static List<MailAddress> addresses(MimeMessage mime, String header)
      throws MessagingException {
    return addresses(mime.getHeader(header, ","));
  }

  /** The addresses of one address header's value (From, To, Cc); unparseable ones are skipped. */
  public static List<MailAddress> addresses(String raw) {
    List<MailAddress> result = new ArrayList<>();
    if (raw == null || raw.isBlank()) {
      return result;
    }
    Address[] parsed;
    try {
      parsed = InternetAddress.parseHeader(raw, false);
    } catch (AddressException e) {
      return result;
    }
    for (Address address : parsed) {
      if (address instanceof InternetAddress internet
          && internet.getAddress() != null
          && !internet.getAddress().isBlank()) {
        result.add(new MailAddress(internet.getAddress(), internet.getPersonal()));
      }
    }
    return result;
  }

  private static MailAddress first(List<MailAddress> addresses) {
    return addresses.isEmpty() ? null : addresses.get(0);
  }

  private static String decoded(String text) {
    if (text == null) {
      return null;
    }
    try {
      return MimeUtility.decodeText(text);
    } catch (java.io.UnsupportedEncodingException e) {
      return text;
    }
  }

  /**
   * Jakarta Mail 2.1 looks its stream provider up again for every header block, body part and
   * decoded word, and without a name that lookup is a service scan of every jar the application
   * sees (8% of capture's CPU with Payara Micro). The system property it reads first makes it one
   * class lookup; Angus Mail is the provider Payara ships. A value an operator set stays, and
   * nothing is named when Angus Mail is not there.
   */
  static void nameStreamProvider() {
    if (System.getProperty(STREAM_PROVIDER) != null) {
      return;
    }
    try {
      Class.forName(ANGUS_STREAMS, false, MimeMail.class.getClassLoader());
      System.getProperties().putIfAbsent(STREAM_PROVIDER, ANGUS_STREAMS);
    } catch (ClassNotFoundException | LinkageError absent) {
      // Jakarta Mail's own lookup finds whatever provider there is.
    }
  }

  private static Properties lenientParsing() {
    Properties properties = new Properties();
    properties.setProperty("mail.mime.address.strict", "false");
    properties.setProperty("mail.mime.decodetext.strict", "false");
    properties.setProperty("mail.mime.decodefilename", "true");
    return properties;
  }
}
