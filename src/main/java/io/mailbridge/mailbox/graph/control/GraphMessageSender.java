package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSender;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.HashMap;

/**
 * Sends from a Microsoft 365 mailbox over Graph: {@code POST /me/sendMail} with the MIME as base64
 * text (Graph keeps a copy in Sent Items), and a look into Sent Items by {@code internetMessageId}.
 */
@ApplicationScoped
public class GraphMessageSender implements MessageSender {

  @Inject GraphMailbox graph;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  @Override
  public void send(MailboxAccess mailbox, byte[] mime) {
    GraphServiceClient client = graph.client(mailbox);
    RequestInformation post =
        new RequestInformation(HttpMethod.POST, "{+baseurl}/me/sendMail", new HashMap<>());
    post.setStreamContent(new ByteArrayInputStream(Base64.getEncoder().encode(mime)), "text/plain");
    // No SDK retries: a 503/504 may come after Graph took the message, and the job looks into
    // Sent Items before it sends again.
    post.addRequestOptions(graph.onceOnly(GraphOperation.SEND_MAIL));
    graph.call(
        () -> {
          try {
            client.getRequestAdapter().sendPrimitive(post, null, Void.class);
            return null;
          } catch (ApiException e) {
            throw sendProblem(e);
          }
        });
  }

  @Override
  public boolean sentItemWith(MailboxAccess mailbox, String internetMessageId) {
    String quoted = internetMessageId.replace("'", "''");
    GraphServiceClient client = graph.client(mailbox);
    MessageCollectionResponse found =
        graph.call(
            () -> {
              try {
                return client
                    .me()
                    .mailFolders()
                    .byMailFolderId("sentitems")
                    .messages()
                    .get(
                        c -> {
                          c.queryParameters.filter = "internetMessageId eq '" + quoted + "'";
                          c.queryParameters.select = new String[] {"id"};
                          c.queryParameters.top = 1;
                          c.options.addAll(graph.options(GraphOperation.FIND_SENT));
                        });
              } catch (ApiException e) {
                // Asked before every send: its refusals mean the same as the send's.
                throw sendProblem(e);
              }
            });
    return found != null && found.getValue() != null && !found.getValue().isEmpty();
  }

  /** A 4xx other than throttling and time-outs will come again: the send is refused for good. */
  static DomainProblem sendProblem(ApiException e) {
    int status = e.getResponseStatusCode();
    if (status == 401) {
      return new SendRefused(
          "graph_unauthorized",
          "Microsoft 365 did not accept Mailbridge's access to the mailbox; connect it again");
    }
    if (status == 403) {
      return new SendRefused(
          "graph_forbidden",
          "Microsoft 365 refused to send from this mailbox (no permission to send mail)");
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      return new SendRefused(
          "graph_send_refused", "Microsoft 365 refused the message (answer " + status + ")");
    }
    return GraphMailbox.problemOf(e);
  }
}
