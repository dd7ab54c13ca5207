package io.mailbridge.it.providers;

import static io.mailbridge.it.providers.FakeHttp.JSON;
import static io.mailbridge.it.providers.FakeHttp.graphError;
import static io.mailbridge.it.providers.FakeHttp.query;
import static io.mailbridge.it.providers.FakeHttp.send;

import com.sun.net.httpserver.HttpExchange;
import io.mailbridge.it.providers.FakeProviders.Token;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Graph's directory as the app reads it app-only (learn.microsoft.com/graph/api/group-list-members,
 * /graph/api/group-list-transitivemembers, /graph/api/group-list): {@code GET /groups/{id}/members}
 * as a {@code directoryObject} collection of {@code #microsoft.graph.user} (and nested {@code
 * #microsoft.graph.group}) entries, {@code GET /groups/{id}/transitiveMembers} as the same flat
 * list with the nested groups' members too (each once), both paged with {@code @odata.nextLink}
 * ({@code $skiptoken}); {@code GET /groups?$filter=mail eq '…'}.
 */
final class GraphDirectory {

  static final Pattern MEMBERS =
      Pattern.compile("^/graph/v1\\.0/groups/([^/]+)/(members|transitiveMembers)$");

  private final FakeProviders fake;

  GraphDirectory(FakeProviders fake) {
    this.fake = fake;
  }

  private boolean appOnly(HttpExchange exchange) throws IOException {
    fake.graphRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    Token token = fake.authorization.bearer(exchange);
    if (token == null) {
      send(exchange, 401, graphError("InvalidAuthenticationToken", "Access token is empty."));
      return false;
    }
    if (!token.account().startsWith("app:")) {
      send(
          exchange,
          403,
          graphError(
              "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
      return false;
    }
    return true;
  }

  void members(HttpExchange exchange, String groupId, String relation) throws IOException {
    if (!appOnly(exchange)) {
      return;
    }
    List<String> direct = fake.groupMembers.get(groupId);
    if (direct == null) {
      send(
          exchange,
          404,
          graphError(
              "Request_ResourceNotFound",
              "Resource '"
                  + groupId
                  + "' does not exist or one of its queried reference-property"
                  + " objects are not present."));
      return;
    }
    List<String> members =
        relation.equals("members")
            ? direct
            : List.copyOf(flattened(groupId, new LinkedHashSet<>()));
    Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
    int offset = q.containsKey("$skiptoken") ? Integer.parseInt(q.get("$skiptoken")) : 0;
    int end = Math.min(members.size(), offset + fake.groupMembersPageSize);
    JsonArrayBuilder value = JSON.createArrayBuilder();
    for (String id : members.subList(offset, end)) {
      String address = fake.directoryUsers.get(id);
      if (address == null) {
        // A nested group: Graph lists it as a member of its own type.
        value.add(
            JSON.createObjectBuilder()
                .add("@odata.type", "#microsoft.graph.group")
                .add("id", id)
                .add("mail", "nested-" + id.substring(0, 8) + "@tenant.example"));
      } else {
        value.add(
            JSON.createObjectBuilder()
                .add("@odata.type", "#microsoft.graph.user")
                .add("id", id)
                .add("mail", address)
                .add("userPrincipalName", address));
      }
    }
    JsonObjectBuilder page =
        JSON.createObjectBuilder()
            .add(
                "@odata.context",
                "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id,mail,userPrincipalName)")
            .add("value", value);
    if (end < members.size()) {
      page.add(
          "@odata.nextLink",
          fake.base + "/graph/v1.0/groups/" + groupId + "/" + relation + "?$skiptoken=" + end);
    }
    send(exchange, 200, page.build().toString());
  }

  /** The group's members and, for each nested group, the group itself and its members; once. */
  private Set<String> flattened(String groupId, Set<String> into) {
    for (String id : fake.groupMembers.getOrDefault(groupId, List.of())) {
      if (into.add(id) && fake.groupMembers.containsKey(id)) {
        flattened(id, into);
      }
    }
    return into;
  }

  void groups(HttpExchange exchange) throws IOException {
    if (!appOnly(exchange)) {
      return;
    }
    String filter = query(exchange.getRequestURI().getRawQuery()).getOrDefault("$filter", "");
    Matcher m = Pattern.compile("^mail eq '(.*)'$").matcher(filter);
    if (!m.matches()) {
      send(exchange, 400, graphError("Request_UnsupportedQuery", "Unsupported query."));
      return;
    }
    String id = fake.groupMails.get(m.group(1).replace("''", "'").toLowerCase());
    JsonArrayBuilder value = JSON.createArrayBuilder();
    if (id != null) {
      value.add(JSON.createObjectBuilder().add("id", id));
    }
    send(
        exchange,
        200,
        JSON.createObjectBuilder()
            .add("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#groups(id)")
            .add("value", value)
            .build()
            .toString());
  }
}
