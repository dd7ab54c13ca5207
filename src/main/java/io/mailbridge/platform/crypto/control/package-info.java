/**
 * Envelope encryption: the operator's key-encryption key (loaded at start-up), per-org data keys,
 * the field cipher behind sealed values, blind indexes and rotation.
 */
package io.mailbridge.platform.crypto.control;
