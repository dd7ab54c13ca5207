/**
 * Stored key material (always wrapped by the KEK), the sealed value type entities use, and the
 * {@code ValueCipher} it needs, which the crypto services implement (this package knows no
 * service).
 */
package io.mailbridge.platform.crypto.entity;
