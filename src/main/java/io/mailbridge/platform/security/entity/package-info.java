/** Orgs, users and refresh tokens as stored. */
package io.mailbridge.platform.security.entity;
