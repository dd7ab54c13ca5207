package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.json.JsonObjectParser;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.ObjectParser;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Gmail's {@code Message} resource from its JSON in one streaming pass into the SDK's own
 * model, for the answers of a batch of {@code messages.get}; any other class goes to the SDK's
 * parser.
 *
 * <p>The SDK maps JSON to its model by reflection, with a look-up of each object's class under one
 * lock shared by every thread, and a backfill of many mailboxes reads tens of thousands of messages
 * with dozens of headers and parts each. The fields are the ones Gmail documents for {@code
 * Message}, {@code MessagePart}, {@code MessagePartHeader} and {@code MessagePartBody}; the 64-bit
 * ones Gmail sends as strings ({@code internalDate}, {@code historyId}) are also read when sent as
 * numbers. A field Gmail adds later is skipped, as Mailbridge reads none it does not know.
 */
final class GmailMessageParser implements ObjectParser {

  // As the SDK's parser does, so the model prints itself as JSON.
  private static final GsonFactory FACTORY = GsonFactory.getDefaultInstance();

  static final GmailMessageParser INSTANCE = new GmailMessageParser();

  private final ObjectParser others = new JsonObjectParser(FACTORY);

  private GmailMessageParser() {}

  @Override
  public <T> T parseAndClose(InputStream in, Charset charset, Class<T> dataClass)
      throws IOException {
    if (dataClass != Message.class) {
      return others.parseAndClose(in, charset, dataClass);
    }
    return dataClass.cast(
        parseAndClose(
            new InputStreamReader(in, charset == null ? StandardCharsets.UTF_8 : charset)));
  }

  @Override
  public Object parseAndClose(InputStream in, Charset charset, Type dataType) throws IOException {
    if (dataType != Message.class) {
      return others.parseAndClose(in, charset, dataType);
    }
    return parseAndClose(in, charset, Message.class);
  }

  @Override
  public <T> T parseAndClose(Reader reader, Class<T> dataClass) throws IOException {
    if (dataClass != Message.class) {
      return others.parseAndClose(reader, dataClass);
    }
    return dataClass.cast(parseAndClose(reader));
  }

  @Override
  public Object parseAndClose(Reader reader, Type dataType) throws IOException {
    if (dataType != Message.class) {
      return others.parseAndClose(reader, dataType);
    }
    return parseAndClose(reader);
  }

  /** The message in {@code reader}'s JSON, closing it; unreadable JSON is an IOException. */
  static Message parseAndClose(Reader reader) throws IOException {
    try (JsonReader json = new JsonReader(reader)) {
      Message message = message(json);
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new IOException("Gmail answered more than one JSON value for a message");
      }
      return message;
    } catch (IllegalStateException | NumberFormatException e) {
      // Gson's word for a value of another type than the field's.
      throw new IOException("Gmail answered a message Mailbridge cannot read", e);
    }
  }

  private static Message message(JsonReader json) throws IOException {
    Message message = new Message();
    message.setFactory(FACTORY);
    members(
        json,
        name -> {
          switch (name) {
            case "id" -> message.setId(json.nextString());
            case "threadId" -> message.setThreadId(json.nextString());
            case "labelIds" -> message.setLabelIds(array(json, JsonReader::nextString));
            case "snippet" -> message.setSnippet(json.nextString());
            case "historyId" -> message.setHistoryId(new BigInteger(json.nextString()));
            case "internalDate" -> message.setInternalDate(Long.parseLong(json.nextString()));
            case "sizeEstimate" -> message.setSizeEstimate(json.nextInt());
            case "raw" -> message.setRaw(json.nextString());
            case "payload" -> message.setPayload(part(json));
            default -> json.skipValue();
          }
        });
    return message;
  }

  private static MessagePart part(JsonReader json) throws IOException {
    MessagePart part = new MessagePart();
    part.setFactory(FACTORY);
    members(
        json,
        name -> {
          switch (name) {
            case "partId" -> part.setPartId(json.nextString());
            case "mimeType" -> part.setMimeType(json.nextString());
            case "filename" -> part.setFilename(json.nextString());
            case "headers" -> part.setHeaders(array(json, GmailMessageParser::header));
            case "body" -> part.setBody(body(json));
            case "parts" -> part.setParts(array(json, GmailMessageParser::part));
            default -> json.skipValue();
          }
        });
    return part;
  }

  private static MessagePartHeader header(JsonReader json) throws IOException {
    MessagePartHeader header = new MessagePartHeader();
    header.setFactory(FACTORY);
    members(
        json,
        name -> {
          switch (name) {
            case "name" -> header.setName(json.nextString());
            case "value" -> header.setValue(json.nextString());
            default -> json.skipValue();
          }
        });
    return header;
  }

  private static MessagePartBody body(JsonReader json) throws IOException {
    MessagePartBody body = new MessagePartBody();
    body.setFactory(FACTORY);
    members(
        json,
        name -> {
          switch (name) {
            case "attachmentId" -> body.setAttachmentId(json.nextString());
            case "size" -> body.setSize(json.nextInt());
            case "data" -> body.setData(json.nextString());
            default -> json.skipValue();
          }
        });
    return body;
  }

  /** Reads the value of one member of an object, the reader standing on it. */
  @FunctionalInterface
  private interface Member {
    void read(String name) throws IOException;
  }

  /** Reads one element of an array, the reader standing on it. */
  @FunctionalInterface
  private interface Element<T> {
    T read(JsonReader json) throws IOException;
  }

  /** Reads an object, handing each member that is not null to {@code member}. */
  private static void members(JsonReader json, Member member) throws IOException {
    json.beginObject();
    while (json.hasNext()) {
      String name = json.nextName();
      if (json.peek() == JsonToken.NULL) {
        json.nextNull();
      } else {
        member.read(name);
      }
    }
    json.endObject();
  }

  private static <T> List<T> array(JsonReader json, Element<T> element) throws IOException {
    List<T> values = new ArrayList<>();
    json.beginArray();
    while (json.hasNext()) {
      values.add(element.read(json));
    }
    json.endArray();
    return values;
  }
}
