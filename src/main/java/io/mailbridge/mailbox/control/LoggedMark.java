package io.mailbridge.mailbox.control;

/**
 * How a logged message shows that it was logged: a named extended property (Outlook) or a label
 * (Gmail), and whether the server already put it there.
 *
 * @param propertySetId the MAPI property set of the property; null for a label
 * @param name the property's or the label's name
 * @param written whether it is on the message now; false when the client writes it (EWS) or when
 *     the provider refused a mark that is only a hint (a Gmail label)
 */
public record LoggedMark(String propertySetId, String name, boolean written) {}
