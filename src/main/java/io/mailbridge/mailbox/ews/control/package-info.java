/** Exchange Web Services: the allow-list of Exchange hosts, the EWS client and its mapping. */
package io.mailbridge.mailbox.ews.control;
