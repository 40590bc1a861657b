package dev.gatehouse.admin.provisioning;

import dev.gatehouse.admin.ManagedObjects;
import java.util.List;

/**
 * One change a provisioning file makes, as a dry run prints it: {@code + user alice}, {@code ~ app
 * wiki: hosts, rules}, {@code - client old}, {@code = group staff: now managed by the file}. Never
 * a secret: a changed one shows as its field's name.
 */
public record Change(Op op, ManagedObjects.Kind kind, String name, List<String> fields) {
  public enum Op {
    CREATE("+"),
    UPDATE("~"),
    DELETE("-"),
    /** An existing object, as the file declares it, that the file now manages. */
    MANAGE("=");

    private final String sign;

    Op(String sign) {
      this.sign = sign;
    }
  }

  @Override
  public String toString() {
    String head = op.sign + " " + kind.wire() + " " + name;
    if (op == Op.MANAGE) {
      return head + ": now managed by the file";
    }
    return fields.isEmpty() ? head : head + ": " + String.join(", ", fields);
  }
}
