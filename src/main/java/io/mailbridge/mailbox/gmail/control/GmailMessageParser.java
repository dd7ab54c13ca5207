package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartBody;
import com.google.api.services.gmail.model.MessagePartHeader;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Reads Gmail's {@code Message} resource from its JSON bytes in one pass ({@link JsonByteReader})
 * into the SDK's own model, for the answers of a batch of {@code messages.get} ({@link
 * GmailBatch}).
 *
 * <p>The SDK maps JSON to its model by reflection, with a look-up of each object's class under one
 * lock shared by every thread, and a backfill of many mailboxes reads tens of thousands of messages
 * with dozens of headers and parts each. The fields are the ones Gmail documents for {@code
 * Message}, {@code MessagePart}, {@code MessagePartHeader} and {@code MessagePartBody}; the 64-bit
 * ones Gmail sends as strings ({@code internalDate}, {@code historyId}) are also read when sent as
 * numbers. A field Gmail adds later is skipped, as Mailbridge reads none it does not know.
 */
final class GmailMessageParser {

  // As the SDK's parser does, so the model prints itself as JSON.
  private static final GsonFactory FACTORY = GsonFactory.getDefaultInstance();

  private GmailMessageParser() {}

  /** The message in the UTF-8 JSON text {@code json}; anything else is an IOException. */
  static Message read(byte[] json) throws IOException {
    JsonByteReader reader = new JsonByteReader(json);
    try {
      Message message = message(reader);
      if (!reader.atEnd()) {
        throw new IOException("Gmail answered more than one JSON value for a message");
      }
      return message;
    } catch (NumberFormatException e) {
      throw new IOException("Gmail answered a message Mailbridge cannot read", e);
    }
  }

  private static Message message(JsonByteReader json) throws IOException {
    Message message = new Message();
    message.setFactory(FACTORY);
    json.members(
        name -> {
          switch (name) {
            case "id" -> message.setId(json.string());
            case "threadId" -> message.setThreadId(json.string());
            case "labelIds" -> message.setLabelIds(json.array(json::string));
            case "snippet" -> message.setSnippet(json.string());
            case "historyId" -> message.setHistoryId(new BigInteger(json.scalar()));
            case "internalDate" -> message.setInternalDate(Long.parseLong(json.scalar()));
            case "sizeEstimate" -> message.setSizeEstimate(json.integer());
            case "raw" -> message.setRaw(json.string());
            case "payload" -> message.setPayload(part(json, 0));
            default -> json.skipValue();
          }
        });
    return message;
  }

  private static MessagePart part(JsonByteReader json, int depth) throws IOException {
    if (depth > JsonByteReader.MAX_DEPTH) {
      throw new IOException("Gmail answered parts nested deeper than " + JsonByteReader.MAX_DEPTH);
    }
    MessagePart part = new MessagePart();
    part.setFactory(FACTORY);
    json.members(
        name -> {
          switch (name) {
            case "partId" -> part.setPartId(json.string());
            case "mimeType" -> part.setMimeType(json.string());
            case "filename" -> part.setFilename(json.string());
            case "headers" -> part.setHeaders(json.array(() -> header(json)));
            case "body" -> part.setBody(body(json));
            case "parts" -> part.setParts(json.array(() -> part(json, depth + 1)));
            default -> json.skipValue();
          }
        });
    return part;
  }

  private static MessagePartHeader header(JsonByteReader json) throws IOException {
    MessagePartHeader header = new MessagePartHeader();
    header.setFactory(FACTORY);
    json.members(
        name -> {
          switch (name) {
            case "name" -> header.setName(json.string());
            case "value" -> header.setValue(json.string());
            default -> json.skipValue();
          }
        });
    return header;
  }

  private static MessagePartBody body(JsonByteReader json) throws IOException {
    MessagePartBody body = new MessagePartBody();
    body.setFactory(FACTORY);
    json.members(
        name -> {
          switch (name) {
            case "attachmentId" -> body.setAttachmentId(json.string());
            case "size" -> body.setSize(json.integer());
            case "data" -> body.setData(json.string());
            default -> json.skipValue();
          }
        });
    return body;
  }
}
