/**
 * Fake Google and Microsoft servers for the integration suite: one HTTP router ({@code
 * FakeProviders}) in front of a handler per vendor and API (Google OAuth, Entra, the OAuth core
 * they share, JWKS, Gmail, Graph), each in the vendor's wire format; and the browser and org
 * helpers that drive them.
 */
package io.mailbridge.it.providers;
