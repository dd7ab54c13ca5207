/**
 * Verifies foreign identity tokens, links identities to CRM users and logs items for the add-in.
 */
package io.mailbridge.addin.control;
