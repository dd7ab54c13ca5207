/**
 * The smallest shared pieces every room uses: opaque row ids and how instants are stored. Depends
 * on nothing.
 */
package io.mailbridge.platform.base;
