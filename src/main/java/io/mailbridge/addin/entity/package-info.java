/** Stored add-in state: Exchange identity links and pending sign-ups. */
package io.mailbridge.addin.entity;
