/** Envelope encryption: the operator's key-encryption key, per-org data keys, rotation. */
package io.mailbridge.platform.crypto.control;
