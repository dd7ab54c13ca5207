package io.mailbridge.it.providers;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * How many requests a fake answered, by operation ("GET /graph/v1.0/me/contactFolders/{id}/
 * contacts/delta", "CreateItem contacts"): a counter that stays cheap over hundreds of thousands of
 * calls, unlike the request lists that keep every request for a test to inspect.
 */
public final class ProviderCalls {

  // A path segment kept as it is: a word, a Graph function ("delta()") or a version ("v1.0",
  // "oauth2"); anything else (ids, addresses, tokens) is an id and counted as "{id}".
  private static final Pattern WORD = Pattern.compile("[A-Za-z]+(\\(\\))?|v\\d+(\\.\\d+)?|oauth2");

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** Counts one request of this operation. */
  public void count(String operation) {
    counts.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
  }

  /** The counts so far, by operation in name order. */
  public Map<String, Integer> snapshot() {
    Map<String, Integer> out = new TreeMap<>();
    counts.forEach((operation, n) -> out.put(operation, n.get()));
    return out;
  }

  /** What was counted after {@code before} (a {@link #snapshot()}), operations counted only. */
  public Map<String, Integer> since(Map<String, Integer> before) {
    Map<String, Integer> out = new TreeMap<>();
    snapshot()
        .forEach(
            (operation, n) -> {
              int added = n - before.getOrDefault(operation, 0);
              if (added > 0) {
                out.put(operation, added);
              }
            });
    return out;
  }

  /**
   * A REST request as an operation: its method and path with every id segment as {@code {id}},
   * keeping the custom method of Google's APIs ({@code people/{id}:updateContact}).
   */
  public static String operationOf(String method, String path) {
    StringBuilder out = new StringBuilder(method).append(' ');
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      String segment = segments[i];
      int colon = segment.indexOf(':');
      String name = colon < 0 ? segment : segment.substring(0, colon);
      out.append(name.isEmpty() || WORD.matcher(name).matches() ? name : "{id}");
      if (colon >= 0) {
        out.append(segment.substring(colon));
      }
    }
    return out.toString();
  }
}
