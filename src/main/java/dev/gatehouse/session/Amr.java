package dev.gatehouse.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a sign-in was proved: a set of RFC 8176 authentication methods. Two or more kinds of factor
 * (knowledge, possession, inherence) make it multi-factor: a password and a TOTP code, a password
 * and a security key, or a passkey whose authenticator verified the user (possession and a PIN or
 * biometric). Held as bits: every session carries one, and a decision reads it.
 */
public record Amr(int bits) {
  /** One method; its wire name is the RFC 8176 value. */
  public enum Method {
    /** A password: knowledge. */
    PWD(Kind.KNOWLEDGE),
    /** A one-time code: TOTP, or a recovery code. Possession. */
    OTP(Kind.POSSESSION),
    /** A device-bound WebAuthn key (security key, platform key that is not synced). */
    HWK(Kind.POSSESSION),
    /** A synced WebAuthn key (a passkey that may be backed up to a cloud account). */
    SWK(Kind.POSSESSION),
    /** The authenticator verified the user (PIN or biometric): counts as the second kind. */
    USER(Kind.INHERENCE);

    private final Kind kind;

    Method(Kind kind) {
      this.kind = kind;
    }

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private enum Kind {
    KNOWLEDGE,
    POSSESSION,
    INHERENCE
  }

  public static final Amr PASSWORD = of(Method.PWD);

  /**
   * The {@code acr} of a sign-in that proved two kinds of factor; {@link #ONE_FACTOR} otherwise.
   */
  public static final String MULTI_FACTOR = "mfa";

  public static final String ONE_FACTOR = "1fa";

  public static Amr of(Method... methods) {
    int bits = 0;
    for (Method method : methods) {
      bits |= 1 << method.ordinal();
    }
    return new Amr(bits);
  }

  /** Reads the stored form (space-separated wire names); unknown names are ignored. */
  public static Amr parse(String stored) {
    int bits = 0;
    for (String name : stored.trim().split(" +")) {
      for (Method method : Method.values()) {
        if (method.wire().equals(name)) {
          bits |= 1 << method.ordinal();
        }
      }
    }
    return new Amr(bits);
  }

  public Amr with(Amr other) {
    return new Amr(bits | other.bits);
  }

  public boolean has(Method method) {
    return (bits & (1 << method.ordinal())) != 0;
  }

  /** Whether two kinds of factor were proved. */
  public boolean multiFactor() {
    int kinds = 0;
    for (Method method : Method.values()) {
      if (has(method)) {
        kinds |= 1 << method.kind.ordinal();
      }
    }
    return Integer.bitCount(kinds) >= 2;
  }

  /** The OIDC {@code acr}: {@link #MULTI_FACTOR} or {@link #ONE_FACTOR}. */
  public String acr() {
    return multiFactor() ? MULTI_FACTOR : ONE_FACTOR;
  }

  /** The stored form: wire names, space-separated. */
  public String stored() {
    return String.join(" ", methods());
  }

  /** The ID token's {@code amr}: the methods, and {@code mfa} when there were two kinds. */
  public List<String> claim() {
    List<String> claim = methods();
    if (multiFactor()) {
      claim.add("mfa");
    }
    return claim;
  }

  private List<String> methods() {
    List<String> names = new ArrayList<>();
    for (Method method : Method.values()) {
      if (has(method)) {
        names.add(method.wire());
      }
    }
    return names;
  }
}
