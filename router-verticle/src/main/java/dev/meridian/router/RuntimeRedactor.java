package dev.meridian.router;

import dev.meridian.core.catalog.ApiKeys;
import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.openai.SecretRedactor;
import dev.meridian.core.routing.RoutingRules;
import java.util.function.Supplier;

/**
 * The redactor of the catalog in force: rebuilt when the rules' version changes (a reload), so a
 * provider added at run time has its key redacted like the ones of the starting catalog. Read per
 * request; the rebuild happens once per reload, on whichever event loop sees the new version first.
 */
final class RuntimeRedactor implements Supplier<SecretRedactor> {
  private record Built(Catalog catalog, SecretRedactor redactor) {}

  private final RoutingRules rules;
  private final ApiKeys apiKeys;
  private volatile Built built;

  RuntimeRedactor(RoutingRules rules, ApiKeys apiKeys) {
    this.rules = rules;
    this.apiKeys = apiKeys;
  }

  @Override
  public SecretRedactor get() {
    Catalog catalog = rules.catalog();
    Built current = built;
    if (current == null || current.catalog() != catalog) {
      current = new Built(catalog, new SecretRedactor(apiKeys.allKeys(catalog)));
      built = current;
    }
    return current.redactor();
  }
}
