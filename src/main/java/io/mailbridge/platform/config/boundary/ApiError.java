package io.mailbridge.platform.config.boundary;

/** The JSON body of every error answer: {@code {"error": code, "message": text}}. */
public record ApiError(String error, String message) {}
