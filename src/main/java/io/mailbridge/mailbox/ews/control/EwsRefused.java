package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ProviderRefused;

/** Exchange refused a request with an EWS response code, kept for callers that act on it. */
class EwsRefused extends ProviderRefused {

  private final String responseCode;

  EwsRefused(String responseCode) {
    super(
        "exchange_error",
        "Exchange refused the request: " + (responseCode == null ? "no error code" : responseCode));
    this.responseCode = responseCode;
  }

  /** EWS's code, e.g. {@code ErrorSubscriptionNotFound}; null when Exchange named none. */
  String responseCode() {
    return responseCode;
  }

  /** The codes that say a notification subscription is gone and must be opened again. */
  boolean subscriptionLost() {
    return lostCode(responseCode);
  }

  /** Whether this EWS response code says a subscription is gone. */
  static boolean lostCode(String responseCode) {
    return "ErrorSubscriptionNotFound".equals(responseCode)
        || "ErrorInvalidSubscription".equals(responseCode)
        || "ErrorExpiredSubscription".equals(responseCode)
        || "ErrorSubscriptionAccessDenied".equals(responseCode)
        || "ErrorInvalidWatermark".equals(responseCode);
  }

  /** The codes that say this server will not stream (old version, policy): pull instead. */
  boolean streamingRefused() {
    return "ErrorInvalidSubscriptionRequest".equals(responseCode)
        || "ErrorInvalidServerVersion".equals(responseCode)
        || "ErrorInvalidRequest".equals(responseCode)
        || "ErrorSchemaValidation".equals(responseCode)
        || "ErrorInvalidOperation".equals(responseCode);
  }
}
