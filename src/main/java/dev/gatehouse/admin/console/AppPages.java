package dev.gatehouse.admin.console;

import dev.gatehouse.admin.Administration;
import dev.gatehouse.app.Access;
import dev.gatehouse.app.App;
import dev.gatehouse.app.AppRequest;
import dev.gatehouse.app.Apps;
import dev.gatehouse.app.Policy;
import dev.gatehouse.app.Rule;
import dev.gatehouse.app.Trial;
import dev.gatehouse.failure.Failure;
import dev.gatehouse.store.Listing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Apps: a paged list; the editor of an app (its hosts, bearer tokens and ordered rules, which move
 * up and down, come and go by plain form posts, saved only by Save); and on a saved app's page, the
 * "try a request" that asks forward-auth's own engine what it would answer.
 */
public final class AppPages {
  /** The policies a rule may have, as the select offers them. */
  public static final List<String> POLICIES =
      Arrays.stream(Policy.values()).map(Policy::text).toList();

  /** The methods the simulator offers. */
  public static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** A rule's fields, as the editor names them after {@code rules[i].}. */
  private static final Pattern RULE_FIELD =
      Pattern.compile("rules\\[(\\d{1,4})\\]\\.(path|path_regex|methods|networks|policy|groups)");

  /** A field name with an index into a list the form shows as one field: {@code hosts[2]}. */
  private static final Pattern LISTED = Pattern.compile("(.*[a-z_])\\[\\d+\\]");

  /** One app in the list. */
  public record Row(String id, String name, List<String> hosts, int rules) {}

  /** The list page. */
  public record ListView(List<Row> apps, Pager pager) {}

  /** One rule in the editor, as typed (lists comma-separated). */
  public record RuleRow(
      String path,
      String pathRegex,
      String methods,
      String networks,
      String policy,
      String groups) {
    /** A rule to fill in: until a path is typed, it matches every path. */
    static final RuleRow NEW = new RuleRow("", "", "", "", Policy.AUTHENTICATED.text(), "");

    static RuleRow of(Rule rule) {
      return new RuleRow(
          Objects.requireNonNullElse(rule.path(), ""),
          Objects.requireNonNullElse(rule.pathRegex(), ""),
          joined(rule.methods()),
          joined(rule.networks()),
          Objects.requireNonNullElse(rule.policy(), ""),
          joined(rule.groups()));
    }

    Rule rule() {
      return new Rule(
          blankToNull(path),
          blankToNull(pathRegex),
          listOrNull(methods),
          listOrNull(networks),
          blankToNull(policy),
          listOrNull(groups));
    }
  }

  /**
   * The editor of a new app ({@code id} empty) or a saved one: what it holds, or what was typed;
   * {@code unsaved} after a move, an addition or a removal that only Save keeps.
   */
  public record Editor(
      String id,
      String name,
      String hosts,
      boolean pathCaseInsensitive,
      String bearerClients,
      String bearerScopes,
      List<RuleRow> rules,
      boolean unsaved,
      FieldErrors errors) {

    static final Editor NEW =
        new Editor("", "", "", false, "", "", List.of(RuleRow.NEW), false, FieldErrors.NONE);

    static Editor of(App app) {
      return new Editor(
          app.id(),
          app.name(),
          String.join("\n", app.hosts()),
          app.pathCaseInsensitive(),
          String.join(", ", app.bearerTokens().clients()),
          String.join(", ", app.bearerTokens().scopes()),
          app.rules().stream().map(RuleRow::of).toList(),
          false,
          FieldErrors.NONE);
    }

    /** The editor as posted; rules in the order of their numbers. */
    static Editor typed(Visit visit, String id) {
      TreeSet<Integer> numbers = new TreeSet<>();
      for (String field : visit.form().fields().keySet()) {
        Matcher rule = RULE_FIELD.matcher(field);
        if (rule.matches()) {
          numbers.add(Integer.parseInt(rule.group(1)));
        }
      }
      List<RuleRow> rules = new ArrayList<>();
      for (int i : numbers) {
        String at = "rules[" + i + "].";
        rules.add(
            new RuleRow(
                visit.field(at + "path"),
                visit.field(at + "path_regex"),
                visit.field(at + "methods"),
                visit.field(at + "networks"),
                visit.field(at + "policy"),
                visit.field(at + "groups")));
      }
      return new Editor(
          id,
          visit.field("name"),
          visit.field("hosts"),
          "on".equals(visit.field("path_case_insensitive")),
          visit.field("bearer_tokens.clients"),
          visit.field("bearer_tokens.scopes"),
          rules,
          false,
          FieldErrors.NONE);
    }

    /**
     * The editor after {@code op}: {@code add}, or {@code up:i}, {@code down:i}, {@code remove:i}
     * for the rule at position {@code i}; anything else changes nothing.
     */
    Editor rearranged(String op) {
      List<RuleRow> rows = new ArrayList<>(rules);
      int colon = op.indexOf(':');
      int at = colon < 0 ? -1 : position(op.substring(colon + 1));
      switch (colon < 0 ? op : op.substring(0, colon)) {
        case "add" -> rows.add(RuleRow.NEW);
        case "up" -> {
          if (at > 0 && at < rows.size()) {
            Collections.swap(rows, at, at - 1);
          }
        }
        case "down" -> {
          if (at >= 0 && at < rows.size() - 1) {
            Collections.swap(rows, at, at + 1);
          }
        }
        case "remove" -> {
          if (at >= 0 && at < rows.size()) {
            rows.remove(at);
          }
        }
        default -> {}
      }
      return new Editor(
          id,
          name,
          hosts,
          pathCaseInsensitive,
          bearerClients,
          bearerScopes,
          List.copyOf(rows),
          true,
          FieldErrors.NONE);
    }

    /** The editor again, with the facade's refusal at the field the form shows it in. */
    Editor refused(Failure failure) {
      FieldErrors raw = FieldErrors.of(failure);
      Map<String, String> fields = new HashMap<>();
      raw.fields()
          .forEach(
              (field, message) -> {
                Matcher listed = LISTED.matcher(field);
                fields.put(listed.matches() ? listed.group(1) : field, message);
              });
      return new Editor(
          id,
          name,
          hosts,
          pathCaseInsensitive,
          bearerClients,
          bearerScopes,
          rules,
          unsaved,
          new FieldErrors(Map.copyOf(fields), raw.general()));
    }

    /** What Apps is asked to save: every field, so that an update replaces the whole app. */
    AppRequest request() {
      return new AppRequest(
          name,
          hosts.lines().map(String::strip).filter(s -> !s.isEmpty()).toList(),
          rules.stream().map(RuleRow::rule).toList(),
          pathCaseInsensitive,
          new AppRequest.BearerTokensRequest(list(bearerClients), list(bearerScopes)));
    }

    public boolean isNew() {
      return id.isEmpty();
    }

    /** Where the editor posts. */
    public String action() {
      return isNew() ? "/admin/apps" : "/admin/apps/" + id;
    }

    /** The name of field {@code field} of rule {@code i}. */
    public String field(int i, String field) {
      return "rules[" + i + "]." + field;
    }

    /** Errors of fields this editor does not show, and those that name no field. */
    public String above() {
      List<String> shown =
          new ArrayList<>(
              List.of(
                  "name",
                  "hosts",
                  "path_case_insensitive",
                  "bearer_tokens.clients",
                  "bearer_tokens.scopes"));
      for (int i = 0; i < rules.size(); i++) {
        for (String field :
            List.of("path", "path_regex", "methods", "networks", "policy", "groups")) {
          shown.add(field(i, field));
        }
      }
      return errors.above(shown.toArray(String[]::new));
    }

    private static int position(String number) {
      try {
        return Integer.parseInt(number);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /**
   * The simulator's form, as typed.
   *
   * @param example a URL of the app, for the hint
   */
  public record TryForm(
      String user,
      boolean twoFactor,
      String method,
      String url,
      String clientAddress,
      String example,
      FieldErrors errors) {

    /** Nobody signed in, a GET, the URL to type. */
    static TryForm of(App app) {
      String host = app.hosts().isEmpty() ? "app.example.com" : app.hosts().getFirst();
      String example =
          "https://" + (host.startsWith("*.") ? "www." + host.substring(2) : host) + "/admin?x=1";
      return new TryForm("", false, "GET", "", "", example, FieldErrors.NONE);
    }

    /** This form as {@code visit} posted it. */
    TryForm typed(Visit visit) {
      String method = visit.field("method");
      return new TryForm(
          visit.field("user"),
          "on".equals(visit.field("two_factor")),
          method.isEmpty() ? "GET" : method,
          visit.field("url"),
          visit.field("client_address"),
          example,
          FieldErrors.NONE);
    }

    TryForm refused(Failure failure) {
      return new TryForm(
          user, twoFactor, method, url, clientAddress, example, FieldErrors.of(failure));
    }
  }

  /**
   * What forward-auth would answer, as the page says it.
   *
   * @param tone the verdict's class: allow, sign-in or deny
   * @param matched which app and rule decided
   */
  public record TryResult(
      String verdict,
      String tone,
      int status,
      String matched,
      String location,
      String reason,
      List<Trial.Header> headers) {}

  /** An app's page (or the new app's, {@code saved} null): the editor and the simulator. */
  public record AppView(
      Editor editor, @Nullable App saved, @Nullable TryForm tryForm, @Nullable TryResult result) {}

  private final Administration admin;
  private final Apps apps;
  private final RequestTrials trials;

  AppPages(Administration admin, Apps apps, RequestTrials trials) {
    this.admin = admin;
    this.apps = apps;
    this.trials = trials;
  }

  List<ConsoleRoute> routes() {
    return List.of(
        ConsoleRoute.get("/admin/apps", this::list, "GET /api/admin/apps"),
        ConsoleRoute.get(
            "/admin/apps/new", v -> page(v, 200, new AppView(Editor.NEW, null, null, null))),
        ConsoleRoute.post("/admin/apps", v -> edit(v, null), "POST /api/admin/apps"),
        ConsoleRoute.get("/admin/apps/:id", this::show, "GET /api/admin/apps/{id}"),
        ConsoleRoute.post(
            "/admin/apps/:id", v -> edit(v, apps.get(v.param("id"))), "PATCH /api/admin/apps/{id}"),
        ConsoleRoute.post("/admin/apps/:id/delete", this::delete, "DELETE /api/admin/apps/{id}"),
        ConsoleRoute.post("/admin/apps/:id/try", this::tryRequest));
  }

  private void list(Visit visit) {
    int page = ConsolePages.page(visit);
    Listing<App> found = apps.list(ConsolePages.PAGE, page * ConsolePages.PAGE);
    List<Row> rows =
        found.items().stream()
            .map(a -> new Row(a.id(), a.name(), a.hosts(), a.rules().size()))
            .toList();
    ConsolePages.render(
        visit,
        200,
        "/admin/apps",
        "apps",
        new ListView(rows, Pager.of("/admin/apps", "", page, found.total())));
  }

  private void show(Visit visit) {
    App app = apps.get(visit.param("id"));
    page(visit, 200, new AppView(Editor.of(app), app, TryForm.of(app), null));
  }

  /**
   * A post of the editor: a move, addition or removal shows the editor again, rearranged and not
   * saved; Save (or Enter in a field) creates or replaces the app.
   */
  private void edit(Visit visit, @Nullable App saved) {
    Editor typed = Editor.typed(visit, saved == null ? "" : saved.id());
    TryForm tryForm = saved == null ? null : TryForm.of(saved);
    String op = visit.field("op");
    if (!op.isEmpty() && !op.equals("save")) {
      page(visit, 200, new AppView(typed.rearranged(op), saved, tryForm, null));
      return;
    }
    try {
      App app =
          saved == null
              ? admin.createApp(visit.origin(), typed.request())
              : admin.updateApp(visit.origin(), saved.id(), typed.request());
      visit.redirect("/admin/apps/" + app.id(), saved == null ? "created" : "saved");
    } catch (Failure.Invalid | Failure.Conflict e) {
      page(visit, 400, new AppView(typed.refused(e), saved, tryForm, null));
    }
  }

  private void delete(Visit visit) {
    admin.deleteApp(visit.origin(), apps.get(visit.param("id")).id());
    visit.redirect("/admin/apps", "deleted");
  }

  /** Runs the simulator on the app as saved; the editor shows the saved app too. */
  private void tryRequest(Visit visit) {
    App app = apps.get(visit.param("id"));
    TryForm typed = TryForm.of(app).typed(visit);
    try {
      if (typed.url().isEmpty()) {
        throw new Failure.Invalid("url", "a URL is required, such as " + typed.example());
      }
      Trial trial =
          trials.run(
              typed.method(),
              typed.url(),
              blankToNull(typed.user()),
              typed.twoFactor(),
              blankToNull(typed.clientAddress()));
      page(visit, 200, new AppView(Editor.of(app), app, typed, result(app, trial)));
    } catch (Failure.Invalid e) {
      page(visit, 400, new AppView(Editor.of(app), app, typed.refused(e), null));
    }
  }

  private static TryResult result(App page, Trial trial) {
    String verdict =
        switch (trial.verdict()) {
          case ALLOW -> "Allow";
          case SIGN_IN -> "Sign in";
          case STEP_UP -> "Step up: prove a second factor";
          case DENY -> "Deny";
          case BAD_REQUEST -> "Bad request";
        };
    String tone =
        switch (trial.verdict()) {
          case ALLOW -> "allow";
          case SIGN_IN, STEP_UP -> "sign-in";
          case DENY, BAD_REQUEST -> "deny";
        };
    return new TryResult(
        verdict,
        tone,
        trial.status(),
        matched(page, trial),
        trial.location(),
        trial.reason(),
        trial.headers());
  }

  /** Which app and which of its rules decided, in words. */
  private static String matched(App page, Trial trial) {
    Access access = trial.access();
    if (access == null) {
      return "Refused before any rule was looked at.";
    }
    App app = trial.app();
    if (app == null) {
      return "No app serves this host: the default policy applies ("
          + access.policy().text()
          + ").";
    }
    String which = app.id().equals(page.id()) ? "" : "App " + app.name() + " serves this host: ";
    if (access.rule() < 0) {
      return which + "No rule matched → default: sign-in required (authenticated).";
    }
    return which
        + "Rule "
        + (access.rule() + 1)
        + " matched: "
        + summary(app.rules().get(access.rule()))
        + ".";
  }

  /** A rule in one line: {@code path /admin · GET, POST · from 10.0.0.0/8 → groups (ops)}. */
  static String summary(Rule rule) {
    StringBuilder line = new StringBuilder();
    if (rule.path() != null) {
      line.append("path ").append(rule.path());
    } else if (rule.pathRegex() != null) {
      line.append("path matching ").append(rule.pathRegex());
    } else {
      line.append("any path");
    }
    if (rule.methods() != null && !rule.methods().isEmpty()) {
      line.append(" · ").append(String.join(", ", rule.methods()));
    }
    if (rule.networks() != null && !rule.networks().isEmpty()) {
      line.append(" · from ").append(String.join(", ", rule.networks()));
    }
    line.append(" → ").append(rule.policy());
    if (rule.groups() != null && !rule.groups().isEmpty()) {
      line.append(" (").append(String.join(", ", rule.groups())).append(')');
    }
    return line.toString();
  }

  private static void page(Visit visit, int status, AppView view) {
    ConsolePages.render(visit, status, "/admin/apps", "app", view);
  }

  private static String joined(@Nullable List<String> values) {
    return values == null ? "" : String.join(", ", values);
  }

  /** "a, b" as a list; empty entries dropped. */
  private static List<String> list(String typed) {
    return Arrays.stream(typed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static @Nullable List<String> listOrNull(String typed) {
    List<String> values = list(typed);
    return values.isEmpty() ? null : values;
  }

  private static @Nullable String blankToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
