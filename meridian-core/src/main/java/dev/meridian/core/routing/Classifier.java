package dev.meridian.core.routing;

import dev.meridian.core.catalog.CatalogException;
import dev.meridian.core.catalog.Tier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tags a request simple, moderate or complex from its {@link RequestProfile}, by rules from the
 * catalog's {@code "classifier"} section (docs/routing.md), so {@code model: "auto"} can start at the
 * cheapest tier that will do. The first rule that matches decides; its description is the reason.
 */
public final class Classifier {
  public enum RequestClass {
    SIMPLE,
    MODERATE,
    COMPLEX;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The verdict, the tier routing starts from, and why. */
  public record Classification(RequestClass requestClass, Tier startTier, String reason) {}

  /** One rule: every condition present must hold. */
  record Rule(
      RequestClass result,
      List<String> keywords,
      Long minPromptTokens,
      Integer minMessages,
      Boolean codeBlocks,
      Boolean tools,
      Boolean images,
      Integer minMaxTokens) {

    boolean matches(RequestProfile p) {
      if (!keywords.isEmpty() && keywords.stream().noneMatch(k -> containsWord(p.text(), k))) {
        return false;
      }
      if (minPromptTokens != null && p.estimatedPromptTokens() < minPromptTokens) {
        return false;
      }
      if (minMessages != null && p.messages() < minMessages) {
        return false;
      }
      if (codeBlocks != null && p.codeBlocks() != codeBlocks) {
        return false;
      }
      if (tools != null && p.tools() != tools) {
        return false;
      }
      if (images != null && p.images() != images) {
        return false;
      }
      return minMaxTokens == null || (p.maxTokens() != null && p.maxTokens() >= minMaxTokens);
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (!keywords.isEmpty()) {
        parts.add("keyword");
      }
      if (minPromptTokens != null) {
        parts.add("prompt>=" + minPromptTokens + "tok");
      }
      if (minMessages != null) {
        parts.add("messages>=" + minMessages);
      }
      if (Boolean.TRUE.equals(codeBlocks)) {
        parts.add("code");
      }
      if (Boolean.TRUE.equals(tools)) {
        parts.add("tools");
      }
      if (Boolean.TRUE.equals(images)) {
        parts.add("images");
      }
      if (minMaxTokens != null) {
        parts.add("max_tokens>=" + minMaxTokens);
      }
      return String.join("+", parts);
    }
  }

  /** Whole-word match: "prove" must not fire on "improve" or "approve". */
  static boolean containsWord(String text, String keyword) {
    for (int at = text.indexOf(keyword); at >= 0; at = text.indexOf(keyword, at + 1)) {
      int end = at + keyword.length();
      boolean startsWord = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
      boolean endsWord = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
      if (startsWord && endsWord) {
        return true;
      }
    }
    return false;
  }

  private final List<Rule> rules;
  private final Tier[] tierOf = new Tier[RequestClass.values().length];

  private Classifier(List<Rule> rules, Tier simple, Tier moderate, Tier complex) {
    this.rules = List.copyOf(rules);
    tierOf[RequestClass.SIMPLE.ordinal()] = simple;
    tierOf[RequestClass.MODERATE.ordinal()] = moderate;
    tierOf[RequestClass.COMPLEX.ordinal()] = complex;
  }

  /** Rules used when the catalog has no classifier section. */
  public static Classifier defaults() {
    return fromJson(new JsonObject(DEFAULT_RULES));
  }

  public Classification classify(RequestProfile profile) {
    for (Rule rule : rules) {
      if (rule.matches(profile)) {
        return new Classification(rule.result(), tierOf[rule.result().ordinal()], rule.describe());
      }
    }
    return new Classification(RequestClass.SIMPLE, tierOf[RequestClass.SIMPLE.ordinal()], "no rule matched");
  }

  /**
   * {@code {"tiers": {"simple": "ultra-budget", ...}, "rules": [{"class": "complex", "keywords": [...],
   * "minPromptTokens": 2000, ...}]}}
   *
   * @throws CatalogException naming the bad entry
   */
  public static Classifier fromJson(JsonObject json) {
    JsonObject tiers = json.getJsonObject("tiers", new JsonObject());
    Tier simple = tier(tiers, "simple", Tier.ULTRA_BUDGET);
    Tier moderate = tier(tiers, "moderate", Tier.BUDGET);
    Tier complex = tier(tiers, "complex", Tier.PREMIUM);
    List<Rule> rules = new ArrayList<>();
    JsonArray array = json.getJsonArray("rules", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject r)) {
        throw new CatalogException("classifier rule " + i + " is not an object");
      }
      RequestClass result;
      try {
        result = RequestClass.valueOf(r.getString("class", "").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CatalogException("classifier rule " + i + ": 'class' must be simple, moderate or complex");
      }
      List<String> keywords = new ArrayList<>();
      for (Object keyword : r.getJsonArray("keywords", new JsonArray())) {
        keywords.add(String.valueOf(keyword).toLowerCase(Locale.ROOT));
      }
      rules.add(new Rule(result, keywords, r.getLong("minPromptTokens"), r.getInteger("minMessages"),
          r.getBoolean("codeBlocks"), r.getBoolean("tools"), r.getBoolean("images"), r.getInteger("minMaxTokens")));
    }
    return new Classifier(rules, simple, moderate, complex);
  }

  private static Tier tier(JsonObject tiers, String name, Tier fallback) {
    String id = tiers.getString(name);
    if (id == null) {
      return fallback;
    }
    Tier tier = Tier.fromId(id);
    if (tier == null) {
      throw new CatalogException("classifier tier for '" + name + "': unknown tier '" + id + "'");
    }
    return tier;
  }

  static final String DEFAULT_RULES =
      """
      {"tiers": {"simple": "ultra-budget", "moderate": "budget", "complex": "premium"},
       "rules": [
         {"class": "complex", "keywords": ["step by step", "step-by-step", "prove", "proof", "derive", "chain of thought",
                                           "think carefully", "reason through", "rigorous"]},
         {"class": "complex", "minPromptTokens": 4000},
         {"class": "complex", "minMessages": 16},
         {"class": "complex", "tools": true, "codeBlocks": true},
         {"class": "moderate", "codeBlocks": true},
         {"class": "moderate", "tools": true},
         {"class": "moderate", "images": true},
         {"class": "moderate", "minPromptTokens": 600},
         {"class": "moderate", "minMessages": 6},
         {"class": "moderate", "minMaxTokens": 1000}
       ]}
      """;
}
