package dev.meridian.health;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.catalog.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/** Small catalogs cut from the default one, to keep probe rounds quick. */
final class TestCatalogs {
  private TestCatalogs() {}

  static Catalog subset(String... modelIds) {
    Catalog full = CatalogLoader.loadDefault();
    List<ModelSpec> models = new ArrayList<>();
    for (String id : modelIds) {
      models.add(full.model(id));
    }
    return new Catalog(
        full.version() + "-test", List.copyOf(full.regions()), List.copyOf(full.providers()), models);
  }
}
