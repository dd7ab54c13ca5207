package io.mailbridge.bench;

import java.util.Arrays;

/** Prints the median, p90, p99 and maximum of one benchmark's call times. */
final class LatencyReport {

  private LatencyReport() {}

  /** The same for times taken in microseconds, printed in milliseconds with two decimals. */
  static void printMicros(String label, int warmup, long[] micros, String extra) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    int calls = sorted.length;
    System.out.printf(
        "%s, %d calls after %d warm-up: median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%s%n",
        label,
        calls,
        warmup,
        sorted[calls / 2] / 1000.0,
        sorted[(int) (calls * 0.9)] / 1000.0,
        sorted[(int) Math.ceil(calls * 0.99) - 1] / 1000.0,
        sorted[calls - 1] / 1000.0,
        extra);
  }

  static void print(String label, int warmup, long[] millis, String extra) {
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    int calls = sorted.length;
    System.out.printf(
        "%s, %d calls after %d warm-up: median %d ms, p90 %d ms, p99 %d ms, max %d ms%s%n",
        label,
        calls,
        warmup,
        sorted[calls / 2],
        sorted[(int) (calls * 0.9)],
        sorted[(int) Math.ceil(calls * 0.99) - 1],
        sorted[calls - 1],
        extra);
  }
}
