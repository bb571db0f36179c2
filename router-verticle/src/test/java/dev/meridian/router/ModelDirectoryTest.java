package dev.meridian.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.core.catalog.Catalog;
import dev.meridian.core.catalog.CatalogLoader;
import dev.meridian.core.health.HealthPolicy;
import dev.meridian.core.health.HealthSnapshot;
import dev.meridian.core.health.HealthState;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The model entries, found as routing finds a name, and their Anthropic form; no server. */
class ModelDirectoryTest {
  private static final Catalog CATALOG = CatalogLoader.loadDefault();
  private static final HealthSnapshot NOTHING_OBSERVED = new HealthState().current();
  private static final Predicate<String> EVERYTHING = name -> true;
  private static final long CREATED = 1_780_000_000L;

  private final ModelDirectory directory = new ModelDirectory(HealthPolicy.DEFAULT, "us-east", CREATED);

  private JsonObject find(String id, Predicate<String> listed) {
    return directory.find(id, CATALOG, NOTHING_OBSERVED, listed, System.currentTimeMillis());
  }

  @Test
  void aCatalogModelIsItsListEntry() {
    JsonObject glm = find("glm-5", EVERYTHING);
    assertThat(glm.getString("id")).isEqualTo("glm-5");
    assertThat(glm.getString("object")).isEqualTo("model");
    assertThat(glm.getLong("created")).isEqualTo(CREATED);
    assertThat(glm.getString("owned_by")).isEqualTo("zhipu");
    assertThat(glm.getJsonObject("meridian").getString("observed_from")).isEqualTo("us-east");
    JsonObject listed = directory.entries(CATALOG, NOTHING_OBSERVED, EVERYTHING, System.currentTimeMillis()).stream()
        .filter(entry -> entry.getString("id").equals("glm-5")).findFirst().orElseThrow();
    assertThat(glm).isEqualTo(listed);
  }

  @Test
  void tiersAndAutoAreFoundInAnyCaseAsRoutingAcceptsThem() {
    assertThat(find("Budget", EVERYTHING).getString("id")).isEqualTo("budget");
    assertThat(find("budget", EVERYTHING).getJsonObject("meridian").getString("kind")).isEqualTo("tier");
    assertThat(find("AUTO", EVERYTHING).getString("id")).isEqualTo("auto");
    assertThat(find("auto", EVERYTHING).getString("owned_by")).isEqualTo("meridian");
  }

  @Test
  void unknownOrHiddenNamesAreNotFound() {
    assertThat(find("gpt-9", EVERYTHING)).isNull();
    // Catalog ids are exact, as in routing.
    assertThat(find("GLM-5", EVERYTHING)).isNull();
    Predicate<String> onlyBudget = "budget"::equals;
    assertThat(find("glm-5", onlyBudget)).isNull();
    assertThat(find("premium", onlyBudget)).isNull();
    assertThat(find("auto", onlyBudget)).isNull();
    assertThat(find("budget", onlyBudget)).isNotNull();
  }

  @Test
  void anthropicShapeHasTypeDisplayNameAndAnRfc3339CreatedAt() {
    JsonObject model = ModelDirectory.anthropic(find("glm-5", EVERYTHING));
    assertThat(model.getString("type")).isEqualTo("model");
    assertThat(model.getString("id")).isEqualTo("glm-5");
    assertThat(model.getString("display_name")).isEqualTo("glm-5");
    assertThat(java.time.Instant.parse(model.getString("created_at")).getEpochSecond()).isEqualTo(CREATED);
    assertThat(model.containsKey("object")).isFalse();
    assertThat(ModelDirectory.anthropic(find("premium", EVERYTHING)).getString("display_name")).contains("premium");
    JsonObject alias = ModelDirectory.anthropic(find("claude-haiku-4-5", EVERYTHING));
    assertThat(alias.getString("id")).isEqualTo("claude-haiku-4-5");
    assertThat(alias.getString("display_name")).isEqualTo("Meridian alias claude-*haiku*");
    assertThat(find("claude-haiku-4-5", name -> !name.equals("claude-haiku-4-5"))).isNull();
  }

  @Test
  void anthropicListIsOnePageWithItsFirstAndLastIds() {
    List<JsonObject> entries = directory.entries(CATALOG, NOTHING_OBSERVED, EVERYTHING, System.currentTimeMillis());
    JsonObject list = ModelDirectory.anthropicList(entries);
    assertThat(list.getJsonArray("data")).hasSize(entries.size());
    assertThat(list.getBoolean("has_more")).isFalse();
    assertThat(list.getString("first_id")).isEqualTo(entries.get(0).getString("id"));
    assertThat(list.getString("last_id")).isEqualTo(entries.get(entries.size() - 1).getString("id"));
    assertThat(list.getJsonArray("data").getJsonObject(0).getString("type")).isEqualTo("model");

    JsonObject empty = ModelDirectory.anthropicList(List.of());
    assertThat(empty.getJsonArray("data")).isEmpty();
    assertThat(empty.containsKey("first_id")).isTrue();
    assertThat(empty.getString("first_id")).isNull();
  }
}
