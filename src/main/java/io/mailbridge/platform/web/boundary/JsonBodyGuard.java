package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.problem.BodyTooLarge;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;

/**
 * Every JSON request body is read whole (within its size limit) and checked before any resource
 * sees it: well-formed, not nested deeper than {@value #MAX_DEPTH} levels, nothing after the value,
 * and of the shape the resource takes (an object where it reads an object). Anything else is the
 * caller's mistake and answers 400, so no body can reach a resource method as the wrong type.
 */
@Provider
public class JsonBodyGuard implements ReaderInterceptor {

  static final int MAX_DEPTH = 32;

  /**
   * Looked up once: {@code Json.createParser} asks the service loader for a provider at every call,
   * a search through the WAR's jars that cost each JSON request about a millisecond and a half.
   */
  private static final JsonProvider JSON = JsonProvider.provider();

  @Inject BodyLimits limits;

  /** The top-level JSON a resource parameter of some type can take. */
  enum Shape {
    OBJECT("Send a JSON object"),
    ARRAY("Send a JSON array"),
    STRUCTURE("Send a JSON object or array"),
    ANY("Send a JSON value");

    final String advice;

    Shape(String advice) {
      this.advice = advice;
    }

    static Shape of(Class<?> type) {
      if (type == JsonObject.class) {
        return OBJECT;
      }
      if (type == JsonArray.class || Collection.class.isAssignableFrom(type) || type.isArray()) {
        return ARRAY;
      }
      if (type == JsonValue.class || type == JsonStructure.class) {
        return STRUCTURE;
      }
      if (type == String.class || Number.class.isAssignableFrom(type) || type.isPrimitive()) {
        return ANY;
      }
      return OBJECT;
    }

    boolean accepts(JsonParser.Event first) {
      return switch (this) {
        case OBJECT -> first == JsonParser.Event.START_OBJECT;
        case ARRAY -> first == JsonParser.Event.START_ARRAY;
        case STRUCTURE ->
            first == JsonParser.Event.START_OBJECT || first == JsonParser.Event.START_ARRAY;
        case ANY -> first != JsonParser.Event.VALUE_NULL;
      };
    }
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    if (!isJson(context.getMediaType())) {
      return context.proceed();
    }
    byte[] body = readAtMost(context.getInputStream(), limits.largestJson());
    check(body, Shape.of(context.getType()));
    context.setInputStream(new ByteArrayInputStream(body));
    try {
      return context.proceed();
    } catch (jakarta.json.bind.JsonbException | JsonException e) {
      // Well-formed but not what the call takes (a list where a text belongs): still the caller's.
      throw invalid("The request body does not fit this call: check the fields' types");
    } catch (jakarta.ws.rs.ProcessingException e) {
      // Jersey wraps JSON-B's refusal of a text where a list belongs; the caller's mistake too.
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof jakarta.json.bind.JsonbException || t instanceof JsonException) {
          throw invalid("The request body does not fit this call: check the fields' types");
        }
      }
      throw e;
    }
  }

  static boolean isJson(MediaType type) {
    return type != null
        && (type.getSubtype().equalsIgnoreCase("json")
            || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
  }

  static byte[] readAtMost(InputStream in, long limit) throws IOException {
    int cap = (int) Math.min(Integer.MAX_VALUE - 8, limit + 1);
    byte[] body = in.readNBytes(cap);
    if (body.length > limit) {
      throw new BodyTooLarge(RequestBodyLimit.message(limit));
    }
    return body;
  }

  /** Refuses with 400 unless {@code body} is exactly one JSON value of the expected shape. */
  static void check(byte[] body, Shape expected) {
    // The first character names the value's type; a parser may fail on a bare scalar first.
    JsonParser.Event announced = firstEvent(body);
    if (announced == null) {
      throw invalid("The request body is empty: " + lower(expected.advice));
    }
    if (!expected.accepts(announced)) {
      throw invalid(expected.advice + ", not " + describe(announced));
    }
    try (JsonParser parser = JSON.createParser(new ByteArrayInputStream(body))) {
      JsonParser.Event first = parser.next();
      int depth = opens(first);
      while (depth > 0) {
        JsonParser.Event event = parser.next();
        depth += opens(event);
        if (depth > MAX_DEPTH) {
          throw invalid("The JSON body is nested more than " + MAX_DEPTH + " levels deep");
        }
      }
      if (parser.hasNext()) {
        throw trailing();
      }
    } catch (JsonParsingException e) {
      throw invalid("The request body is not valid JSON" + at(e.getLocation()));
    } catch (JsonException | java.util.NoSuchElementException e) {
      throw invalid("The request body is not valid JSON");
    }
  }

  /** The event the first non-blank character starts, or null for an empty body. */
  static JsonParser.Event firstEvent(byte[] body) {
    for (byte b : body) {
      switch (b) {
        case ' ', '\t', '\r', '\n' -> {
          continue;
        }
        case '{' -> {
          return JsonParser.Event.START_OBJECT;
        }
        case '[' -> {
          return JsonParser.Event.START_ARRAY;
        }
        case '"' -> {
          return JsonParser.Event.VALUE_STRING;
        }
        case 't' -> {
          return JsonParser.Event.VALUE_TRUE;
        }
        case 'f' -> {
          return JsonParser.Event.VALUE_FALSE;
        }
        case 'n' -> {
          return JsonParser.Event.VALUE_NULL;
        }
        default -> {
          if (b == '-' || (b >= '0' && b <= '9')) {
            return JsonParser.Event.VALUE_NUMBER;
          }
          throw invalid("The request body is not valid JSON");
        }
      }
    }
    return null;
  }

  private static int opens(JsonParser.Event event) {
    return switch (event) {
      case START_OBJECT, START_ARRAY -> 1;
      case END_OBJECT, END_ARRAY -> -1;
      default -> 0;
    };
  }

  private static String describe(JsonParser.Event event) {
    return switch (event) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "that";
    };
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNumber() < 0) {
      return "";
    }
    return " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
  }

  private static String lower(String text) {
    return Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  private static InvalidRequest trailing() {
    return invalid("The request body has more data after its JSON value");
  }

  private static InvalidRequest invalid(String message) {
    return new InvalidRequest("invalid_json", message);
  }
}
