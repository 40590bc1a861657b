package dev.gatehouse.admin.provisioning;

import java.io.Serial;
import java.util.List;

/**
 * A provisioning file that cannot be applied, with every problem found, each as {@code file:line:
 * field: what is wrong}. Nothing of the file was applied.
 */
public final class ProvisioningException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ProvisioningException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
