package dev.ordinal.node.runtime;

/**
 * How one probe run ended.
 *
 * @param output what the probe said on failure, as kubelet puts it into its Unhealthy event: an
 *     exec probe's output, "HTTP probe failed with statuscode: 503", a connection error
 */
public record ProbeResult(boolean passed, String output) {
  public static final ProbeResult PASSED = new ProbeResult(true, "");

  public static ProbeResult failed(String output) {
    return new ProbeResult(false, output);
  }
}
