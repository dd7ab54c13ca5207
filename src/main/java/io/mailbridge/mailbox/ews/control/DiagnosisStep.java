package io.mailbridge.mailbox.ews.control;

/**
 * One step of an Exchange connectivity diagnosis: green or red, what was found, and for a red step
 * what to do about it.
 */
public record DiagnosisStep(String name, boolean ok, String detail, String fix) {

  static DiagnosisStep green(String name, String detail) {
    return new DiagnosisStep(name, true, detail, null);
  }

  static DiagnosisStep red(String name, String detail, String fix) {
    return new DiagnosisStep(name, false, detail, fix);
  }
}
