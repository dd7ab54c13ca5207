package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.core.requests.GraphClientFactory;
import io.mailbridge.platform.outbound.control.CallOutcome;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Duration;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The OkHttp client under the Graph SDK, held to the platform's outbound rules: every request and
 * every redirect the SDK's middleware makes is checked against the policy (host, scheme,
 * addresses), the whole call including the SDK's throttling retries has a time limit, and an answer
 * larger than the cap is refused. Every request, each retry of the SDK's included, is reported to
 * the metrics under the {@link GraphOperation} it carries.
 */
final class OutboundGraphClient {

  private OutboundGraphClient() {}

  /** Thrown through OkHttp as an IOException; carries why the call was refused or cut. */
  static final class OutboundIOException extends IOException {
    private final transient OutboundFailure failure;

    OutboundIOException(OutboundFailure failure) {
      super(failure.getMessage());
      this.failure = failure;
    }

    OutboundFailure failure() {
      return failure;
    }
  }

  /** Times one request from the interceptor's start; the body is read after it, by the SDK. */
  private record Timing(OutboundHttp outbound, GraphOperation operation, long start) {
    Timing(OutboundHttp outbound, GraphOperation operation) {
      this(outbound, operation, System.nanoTime());
    }

    void done(CallOutcome outcome) {
      outbound.record(operation.call(), outcome, System.nanoTime() - start);
    }
  }

  static OkHttpClient create(
      OutboundHttp outbound, OutboundPolicy policy, Duration timeout, long maxBytes) {
    Interceptor checked =
        chain -> {
          GraphOperation operation = chain.request().tag(GraphOperation.class);
          Timing timing =
              new Timing(outbound, operation == null ? GraphOperation.UNNAMED : operation);
          try {
            outbound.checkDestination(chain.request().url().uri(), policy);
          } catch (OutboundFailure refused) {
            timing.done(CallOutcome.REFUSED);
            throw new OutboundIOException(refused);
          }
          Response response;
          try {
            response = chain.proceed(chain.request());
          } catch (IOException e) {
            // Only the call's time limit cancels a call; a connect timeout is interrupted I/O.
            boolean late = chain.call().isCanceled() || e instanceof InterruptedIOException;
            timing.done(late ? CallOutcome.TIMEOUT : CallOutcome.UNREACHABLE);
            throw e;
          }
          ResponseBody body = response.body();
          long declared = body == null ? 0 : body.contentLength();
          boolean tooLarge =
              declared > maxBytes
                  || (declared < 0
                      && body != null
                      && response.peekBody(maxBytes + 1).contentLength() > maxBytes);
          if (tooLarge) {
            timing.done(CallOutcome.TOO_LARGE);
            response.close();
            throw new OutboundIOException(
                new OutboundFailure(
                    OutboundFailure.Reason.TOO_LARGE,
                    "The answer of "
                        + chain.request().url().host()
                        + " is larger than "
                        + maxBytes
                        + " bytes"));
          }
          timing.done(CallOutcome.of(response.code(), response.header("Retry-After") != null));
          return response;
        };
    // The interceptor refuses early; the resolver makes the connection go only to addresses that
    // passed the check, and no proxy stands between (the check must see the destination).
    return GraphClientFactory.create()
        .addInterceptor(checked)
        .dns(outbound.dnsFor(policy))
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .callTimeout(timeout)
        .build();
  }
}
