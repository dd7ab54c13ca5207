package io.mailbridge.platform.security.control;

/** What a successful login or refresh hands out. */
public record TokenPair(String accessToken, String refreshToken, long expiresIn) {}
