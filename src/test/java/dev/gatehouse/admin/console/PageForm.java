package dev.gatehouse.admin.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields a console form posts, read from its page as a browser without script reads them:
 * inputs (checkboxes only when checked), textareas and the selected option of each select. Buttons
 * are left out: the test adds the one it presses.
 */
final class PageForm {
  private static final Pattern CONTROL = Pattern.compile("<(input|textarea|select)\\b([^>]*)>");

  private PageForm() {}

  /** The fields of the form of {@code page} that posts to {@code action}. */
  static Map<String, String> fields(String page, String action) {
    int start = page.indexOf("<form method=\"post\" action=\"" + action + "\"");
    if (start < 0) {
      throw new AssertionError("no form posting to " + action + " in the page");
    }
    String form = page.substring(start, page.indexOf("</form>", start));
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher control = CONTROL.matcher(form);
    while (control.find()) {
      String attributes = control.group(2);
      String name = attribute(attributes, "name");
      if (name == null) {
        continue;
      }
      switch (control.group(1)) {
        case "textarea" ->
            fields.put(
                name,
                unescape(
                    form.substring(control.end(), form.indexOf("</textarea>", control.end()))));
        case "select" -> {
          String options = form.substring(control.end(), form.indexOf("</select>", control.end()));
          Matcher selected =
              Pattern.compile("<option value=\"([^\"]*)\" selected").matcher(options);
          fields.put(name, selected.find() ? unescape(selected.group(1)) : "");
        }
        default -> {
          String value = attribute(attributes, "value");
          if (!"checkbox".equals(attribute(attributes, "type"))) {
            fields.put(name, value == null ? "" : value);
          } else if (attributes.matches("(?s).*\\schecked(\\s|=|$).*")) {
            fields.put(name, value == null ? "on" : value);
          }
        }
      }
    }
    return fields;
  }

  private static String attribute(String attributes, String name) {
    Matcher value = Pattern.compile("\\s" + name + "=\"([^\"]*)\"").matcher(attributes);
    return value.find() ? unescape(value.group(1)) : null;
  }

  private static String unescape(String html) {
    return html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
  }
}
