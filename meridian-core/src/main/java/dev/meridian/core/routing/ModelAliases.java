package dev.meridian.core.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Names clients send that are not catalog models: coding agents ask for {@code claude-sonnet-4-5-20250929}
 * or {@code claude-haiku-4-5}, and should reach a coding model without configuration. Each alias is a
 * glob pattern ({@code *} matches any run of characters, matching ignores case) that routes either as
 * another name ({@code target}: a model, a tier or {@code auto}) or along its own chain of steps.
 *
 * <p>A name that is a catalog model, a tier or {@code auto} never reaches the aliases. When several
 * patterns match, the most specific wins: the one with the most literal characters, then the first in
 * the file. Pure and immutable: built once per catalog, read on the event loop.
 */
public final class ModelAliases {
  public static final ModelAliases NONE = new ModelAliases(List.of());
  /** Longer names never match: glob matching backtracks, and a client chooses the name. */
  public static final int MAX_NAME_LENGTH = 256;

  /**
   * @param pattern lower-case glob, e.g. {@code claude-*haiku*}
   * @param target the name it routes as, or null when {@code steps} are its own chain
   * @param steps the alias's chain when {@code target} is null; empty otherwise
   */
  public record Alias(String pattern, String target, List<ChainStep> steps) {
    public Alias {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException("an alias needs a pattern");
      }
      pattern = pattern.trim().toLowerCase(Locale.ROOT);
      if (pattern.replace("*", "").isEmpty()) {
        // A catch-all would turn every typo into a silently routed request.
        throw new IllegalArgumentException("alias '" + pattern + "' matches every name");
      }
      steps = List.copyOf(steps);
      if ((target == null) == steps.isEmpty()) {
        throw new IllegalArgumentException("alias '" + pattern + "' needs exactly one of a target or steps");
      }
    }

    /** Whether {@code name} matches the pattern, ignoring case. */
    public boolean matches(String name) {
      return glob(pattern, 0, name, 0);
    }

    /** The pattern without its wildcards: more literal characters is more specific. */
    int literalLength() {
      return pattern.length() - (int) pattern.chars().filter(c -> c == '*').count();
    }
  }

  private final List<Alias> aliases;
  private final Alias[] bySpecificity;

  public ModelAliases(List<Alias> aliases) {
    this.aliases = List.copyOf(aliases);
    List<Alias> sorted = new ArrayList<>(aliases);
    // Stable: equally specific patterns keep the file's order.
    sorted.sort(Comparator.comparingInt(Alias::literalLength).reversed());
    this.bySpecificity = sorted.toArray(new Alias[0]);
    for (int i = 0; i < this.aliases.size(); i++) {
      for (int j = i + 1; j < this.aliases.size(); j++) {
        if (this.aliases.get(i).pattern().equals(this.aliases.get(j).pattern())) {
          throw new IllegalArgumentException("alias '" + this.aliases.get(i).pattern() + "' is listed twice");
        }
      }
    }
  }

  /** The aliases in the catalog's order. */
  public List<Alias> all() {
    return aliases;
  }

  public boolean isEmpty() {
    return aliases.isEmpty();
  }

  /**
   * The alias {@code name} is, or matches: a pattern itself (as {@code /v1/models} lists them and key
   * allow lists name them) or a name the most specific pattern matches; null when none does.
   */
  public Alias resolve(String name) {
    if (name == null || bySpecificity.length == 0 || name.length() > MAX_NAME_LENGTH) {
      return null;
    }
    for (Alias alias : aliases) {
      if (alias.pattern().equalsIgnoreCase(name)) {
        return alias;
      }
    }
    for (Alias alias : bySpecificity) {
      if (alias.matches(name)) {
        return alias;
      }
    }
    return null;
  }

  /** Glob match of pattern[p..] against name[n..]; '*' is the only wildcard. Patterns are short. */
  private static boolean glob(String pattern, int p, String name, int n) {
    while (p < pattern.length()) {
      char c = pattern.charAt(p);
      if (c == '*') {
        // Collapse runs of '*', then try every split point.
        while (p < pattern.length() && pattern.charAt(p) == '*') {
          p++;
        }
        if (p == pattern.length()) {
          return true;
        }
        for (int k = n; k < name.length(); k++) {
          if (glob(pattern, p, name, k)) {
            return true;
          }
        }
        return false;
      }
      if (n >= name.length() || Character.toLowerCase(name.charAt(n)) != c) {
        return false;
      }
      p++;
      n++;
    }
    return n == name.length();
  }
}
