package dev.gatehouse.app;

import dev.gatehouse.failure.Failure;
import dev.gatehouse.net.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Rule} checked and compiled once, at write time, so that matching on the hot path does no
 * parsing. Compiling is also the validation: a rule that compiles is a rule the engine can use.
 */
record CompiledRule(
    Rule source,
    @Nullable String prefix,
    @Nullable Pattern regex,
    Set<String> methods,
    List<Cidr> networks,
    Policy policy,
    Set<String> groups) {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE");

  static CompiledRule compile(Rule rule, String at) {
    return compile(rule, at, false);
  }

  /**
   * @param caseInsensitive whether the app's paths match in any case: the prefix is kept in lower
   *     case (paths are lowered before matching) and the regex ignores case
   */
  static CompiledRule compile(Rule rule, String at, boolean caseInsensitive) {
    if (rule == null) {
      throw new Failure.Invalid(at, at + " must be an object");
    }
    if (rule.path() != null && rule.pathRegex() != null) {
      throw new Failure.Invalid(at + ".path_regex", "use either path or path_regex, not both");
    }
    if (rule.path() != null && !rule.path().startsWith("/")) {
      throw new Failure.Invalid(at + ".path", at + ".path must start with /");
    }
    if (rule.path() != null && !isCanonical(rule.path())) {
      throw new Failure.Invalid(
          at + ".path",
          at
              + ".path must be a decoded path without //, . or .. segments, \\, ; or %:"
              + " rules match the path after decoding and normalising, so /my%20app never matches;"
              + " write /my app");
    }
    Pattern regex = null;
    if (rule.pathRegex() != null) {
      try {
        regex =
            Pattern.compile(
                rule.pathRegex(),
                caseInsensitive ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
      } catch (PatternSyntaxException e) {
        throw new Failure.Invalid(
            at + ".path_regex", at + ".path_regex is not a valid regex: " + e.getDescription());
      }
    }
    List<String> methods = rule.methods() == null ? List.of() : rule.methods();
    for (int i = 0; i < methods.size(); i++) {
      String method = methods.get(i);
      if (method == null || !METHODS.contains(method.toUpperCase(Locale.ROOT))) {
        throw new Failure.Invalid(
            at + ".methods[" + i + "]", at + ".methods[" + i + "] is not an HTTP method");
      }
    }
    List<String> networkTexts = rule.networks() == null ? List.of() : rule.networks();
    List<Cidr> networks = new ArrayList<>();
    for (int i = 0; i < networkTexts.size(); i++) {
      try {
        networks.add(Cidr.parse(String.valueOf(networkTexts.get(i))));
      } catch (IllegalArgumentException e) {
        throw new Failure.Invalid(
            at + ".networks[" + i + "]",
            at + ".networks[" + i + "] must be a network such as 192.168.0.0/16");
      }
    }
    if (rule.policy() == null) {
      throw new Failure.Invalid(at + ".policy", at + ".policy is required");
    }
    Policy policy =
        Policy.parse(rule.policy())
            .orElseThrow(
                () ->
                    new Failure.Invalid(
                        at + ".policy",
                        at + ".policy must be public, authenticated, groups, two_factor or deny"));
    List<String> groups = rule.groups() == null ? List.of() : rule.groups();
    if (policy == Policy.GROUPS && groups.isEmpty()) {
      throw new Failure.Invalid(at + ".groups", "policy groups needs at least one group");
    }
    if (policy != Policy.GROUPS && policy != Policy.TWO_FACTOR && !groups.isEmpty()) {
      throw new Failure.Invalid(
          at + ".groups", "groups only apply to policies groups and two_factor");
    }
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i) == null || groups.get(i).isBlank()) {
        throw new Failure.Invalid(at + ".groups[" + i + "]", at + ".groups[" + i + "] is empty");
      }
    }
    List<String> upper = methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).distinct().toList();
    Rule normal =
        new Rule(
            rule.path(),
            rule.pathRegex(),
            upper,
            List.copyOf(networkTexts),
            policy.text(),
            List.copyOf(groups));
    return new CompiledRule(
        normal,
        rule.path() == null || !caseInsensitive
            ? rule.path()
            : rule.path().toLowerCase(Locale.ROOT),
        regex,
        Set.copyOf(upper),
        List.copyOf(networks),
        policy,
        Set.copyOf(groups));
  }

  /** Whether a rule's prefix can ever match a canonical request path (see forwardauth). */
  private static boolean isCanonical(String path) {
    if (path.contains("//")
        || path.indexOf('\\') >= 0
        || path.indexOf(';') >= 0
        || path.indexOf('%') >= 0
        || path.indexOf('?') >= 0
        || path.indexOf('#') >= 0) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** {@code path} is canonical, and already lower case when the rule was compiled so. */
  boolean matches(String method, String path, @Nullable InetAddress client) {
    if (prefix != null && !path.startsWith(prefix)) {
      return false;
    }
    if (regex != null && !regex.matcher(path).find()) {
      return false;
    }
    if (!methods.isEmpty() && !methods.contains(method)) {
      return false;
    }
    if (!networks.isEmpty()) {
      if (client == null) {
        return false;
      }
      for (Cidr network : networks) {
        if (network.contains(client)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }
}
