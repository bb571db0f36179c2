package dev.meridian.core.tenancy;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.ModelSpec;
import java.util.Locale;
import java.util.Set;

/**
 * One client's key, as configured: who it is, what it may use, and its limits. Only the key's hash is
 * known; the key itself is never stored.
 *
 * @param allow model ids, tier names ({@code budget}...) and {@code auto} the key may request; a model
 *     may serve the key's requests (fallbacks included) when its id or its tier is listed; {@code *}
 *     allows everything
 * @param requestsPerMinute 0 for no limit
 * @param tokensPerMinute prompt plus completion tokens; 0 for no limit
 * @param budgetDollars spend allowed per {@code budgetPeriod}; 0 for no budget
 * @param maxOutputTokens largest {@code max_tokens} a request may ask for, and the value sent upstream
 *     when a request sets none; 0 for no cap
 * @param maxConcurrentRequests requests (streams included) the key may have in flight at once on one
 *     node; 0 for no limit. Per node because a cluster-wide count would cost a remote call per request,
 *     so the cluster-wide bound is nodes times this
 */
public record ClientKey(
    String name,
    String sha256,
    Set<String> allow,
    long requestsPerMinute,
    long tokensPerMinute,
    double budgetDollars,
    BudgetPeriod budgetPeriod,
    int maxOutputTokens,
    int maxConcurrentRequests) {

  public static final String ANY = "*";
  public static final String AUTO = "auto";

  public ClientKey {
    allow = Set.copyOf(allow.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList());
    if (budgetPeriod == null) {
      budgetPeriod = BudgetPeriod.DAY;
    }
  }

  /**
   * Whether the key may ask for {@code requested}: a model id, a tier name or {@code auto} its list
   * names, a model of a tier it names, or an alias (a pattern or a name one matches) that the list names
   * or whose chain has a model the key may spend on (routing then keeps to those models).
   */
  public boolean mayRequest(String requested, Catalog catalog) {
    if (allow.contains(ANY)) {
      return true;
    }
    String name = requested.toLowerCase(Locale.ROOT);
    if (allow.contains(name)) {
      return true;
    }
    ModelSpec model = catalog.model(requested);
    if (model != null) {
      return maySpendOn(model);
    }
    dev.meridian.core.routing.ModelAliases.Alias alias = catalog.aliases().resolve(requested);
    return alias != null && mayUse(alias, catalog);
  }

  private boolean mayUse(dev.meridian.core.routing.ModelAliases.Alias alias, Catalog catalog) {
    if (allow.contains(alias.pattern())) {
      return true;
    }
    if (alias.target() != null) {
      String target = alias.target().toLowerCase(Locale.ROOT);
      ModelSpec model = catalog.model(alias.target());
      return allow.contains(target) || (model != null && maySpendOn(model));
    }
    for (dev.meridian.core.routing.ChainStep step : alias.steps()) {
      for (String id : step.models()) {
        ModelSpec model = catalog.model(id);
        if (model != null && maySpendOn(model)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code model} may serve this key's requests, as first choice or as a fallback. */
  public boolean maySpendOn(ModelSpec model) {
    return allow.contains(ANY)
        || allow.contains(model.id().toLowerCase(Locale.ROOT))
        || allow.contains(model.tier().id());
  }

  /** True when some listed entry names a model or tier (auto alone would have nothing to route to). */
  boolean allowsSomeModel() {
    return allow.stream().anyMatch(entry -> !entry.equals(AUTO));
  }

  @Override
  public String toString() {
    // The hash is not a secret, but there is no reason to print it either.
    return "ClientKey[" + name + "]";
  }
}
