/** Stored key material (always wrapped by the KEK) and the sealed value type entities use. */
package io.mailbridge.platform.crypto.entity;
