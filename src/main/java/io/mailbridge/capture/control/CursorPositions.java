package io.mailbridge.capture.control;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each folder of a mailbox's change feed stands, as stored (sealed) in the capture cursor:
 * the provider's position (null before the first page, a next-page link inside a round, the start
 * of the next round once a round is complete), whether the folder still has a round to read ({@code
 * due}) and whether its first round, the backfill, is complete ({@code backfilled}).
 */
public final class CursorPositions {

  /**
   * Found once: {@code Json.create…} looks the provider up with a ServiceLoader at every call, and
   * each capture page reads and writes its cursor (1.5% of a Graph backfill's CPU).
   */
  private static final JsonProvider JSON = JsonProvider.provider();

  /** One folder's standing. */
  public record Folder(String position, boolean due, boolean backfilled) {}

  private final Map<String, Folder> folders = new LinkedHashMap<>();

  private CursorPositions() {}

  /** The stored document (null before the first page) for a feed with these folders. */
  public static CursorPositions parse(String json, List<String> feedFolders) {
    CursorPositions positions = new CursorPositions();
    JsonObject stored =
        json == null
            ? JsonObject.EMPTY_JSON_OBJECT
            : JSON.createReader(new StringReader(json)).readObject();
    for (String name : feedFolders) {
      JsonObject folder = stored.getJsonObject(name);
      positions.folders.put(
          name,
          folder == null
              // A folder never read yet: its first round is the backfill, and it is due.
              ? new Folder(null, true, false)
              : new Folder(
                  folder.isNull("position") ? null : folder.getString("position"),
                  folder.getBoolean("due", true),
                  folder.getBoolean("backfilled", false)));
    }
    return positions;
  }

  /** Marks every folder due: a new sync reads each folder's changes since its last round. */
  public void startRound() {
    folders.replaceAll((name, f) -> new Folder(f.position(), true, f.backfilled()));
  }

  /** The first folder that still has something to read. */
  public Optional<String> nextDue() {
    return folders.entrySet().stream()
        .filter(e -> e.getValue().due())
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public Folder folder(String name) {
    Folder folder = folders.get(name);
    if (folder == null) {
      throw new IllegalArgumentException("No folder " + name);
    }
    return folder;
  }

  /** A page was read: the folder goes on from {@code next}; a complete round ends its turn. */
  public void advance(String name, String next, boolean roundComplete) {
    Folder f = folder(name);
    folders.put(name, new Folder(next, !roundComplete, f.backfilled() || roundComplete));
  }

  /** The provider forgot the folder's position: read it again from the start of its window. */
  public void restart(String name) {
    Folder f = folder(name);
    folders.put(name, new Folder(null, true, f.backfilled()));
  }

  /**
   * The provider refuses the folder for now (no permission for it): its round ends unread, it
   * counts as backfilled so the mailbox's other folders go live, and the next round starts its
   * window afresh.
   */
  public void skip(String name) {
    folder(name);
    folders.put(name, new Folder(null, false, true));
  }

  public boolean anyDue() {
    return folders.values().stream().anyMatch(Folder::due);
  }

  /** Whether every folder finished its first round: the mailbox is live. */
  public boolean allBackfilled() {
    return folders.values().stream().allMatch(Folder::backfilled);
  }

  public String toJson() {
    JsonObjectBuilder json = JSON.createObjectBuilder();
    folders.forEach(
        (name, f) -> {
          JsonObjectBuilder folder = JSON.createObjectBuilder();
          if (f.position() == null) {
            folder.addNull("position");
          } else {
            folder.add("position", f.position());
          }
          json.add(name, folder.add("due", f.due()).add("backfilled", f.backfilled()));
        });
    return json.build().toString();
  }
}
