package dev.meridian.core.catalog;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a catalog from JSON (format in {@code docs/catalog.md}). Parsing is Jackson's, through Vert.x
 * {@link JsonObject}; this class only maps fields and reports precisely what is wrong.
 */
public final class CatalogLoader {
  /** Classpath location of the default catalog: 15 models in us-east, eu-west and ap-southeast. */
  public static final String DEFAULT_RESOURCE = "catalog/default-catalog.json";

  private CatalogLoader() {}

  public static Catalog loadDefault() {
    try (InputStream in =
        CatalogLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new CatalogException("default catalog missing from classpath: " + DEFAULT_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new CatalogException("cannot read default catalog", e);
    }
  }

  public static Catalog load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new CatalogException("cannot read catalog file " + file + ": " + e.getMessage(), e);
    }
  }

  public static Catalog parse(String json, String source) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException e) {
      throw new CatalogException(source + ": not valid JSON: " + e.getMessage(), e);
    }
    try {
      return fromJson(root);
    } catch (CatalogException e) {
      throw new CatalogException(source + ": " + e.getMessage(), e);
    } catch (ClassCastException e) {
      throw new CatalogException(source + ": a field has the wrong type: " + e.getMessage(), e);
    }
  }

  static Catalog fromJson(JsonObject root) {
    List<Region> regions = new ArrayList<>();
    for (JsonObject json : objects(root, "regions")) {
      regions.add(new Region(required(json, "id", "region"), json.getString("name")));
    }
    List<Provider> providers = new ArrayList<>();
    for (JsonObject json : objects(root, "providers")) {
      String id = required(json, "id", "provider");
      Map<String, String> urls = new LinkedHashMap<>();
      JsonObject baseUrls = json.getJsonObject("baseUrls", new JsonObject());
      for (String region : baseUrls.fieldNames()) {
        String url = baseUrls.getString(region);
        if (url != null) { // null is "no URL there"; Catalog reports it if a model is served there
          urls.put(region, url);
        }
      }
      Map<String, String> anthropicUrls = new LinkedHashMap<>();
      JsonObject anthropicBaseUrls = json.getJsonObject("anthropicBaseUrls", new JsonObject());
      for (String region : anthropicBaseUrls.fieldNames()) {
        String url = anthropicBaseUrls.getString(region);
        if (url != null && !url.isBlank()) {
          anthropicUrls.put(region, url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        }
      }
      providers.add(new Provider(id, json.getString("name"), json.getString("apiKeyEnv"), urls, anthropicUrls));
    }
    List<ModelSpec> models = new ArrayList<>();
    for (JsonObject json : objects(root, "models")) {
      String id = required(json, "id", "model");
      String where = "model '" + id + "'";
      Tier tier = Tier.fromId(required(json, "tier", where));
      if (tier == null) {
        throw new CatalogException(
            where + " has unknown tier '" + json.getString("tier") + "' (expected one of "
                + "ultra-budget, budget, mid-range, premium)");
      }
      JsonObject price = json.getJsonObject("price", new JsonObject());
      JsonObject nominal = json.getJsonObject("nominal", new JsonObject());
      List<String> modelRegions = strings(json.getJsonArray("regions"), where, "regions");
      if (modelRegions.isEmpty()) {
        for (Region region : regions) {
          modelRegions.add(region.id());
        }
      }
      double outputPrice = nonNegative(price, "outputPerMillion", where);
      double inputPrice = nonNegative(price, "inputPerMillion", where);
      double cachedInputPrice = price.getValue("cachedInputPerMillion") == null
          ? inputPrice : nonNegative(price, "cachedInputPerMillion", where);
      if (cachedInputPrice > inputPrice) {
        throw new CatalogException(where + ": price.cachedInputPerMillion (" + cachedInputPrice
            + ") is above price.inputPerMillion (" + inputPrice + ")");
      }
      EmbeddingSpec embedding = embedding(json, where);
      models.add(
          new ModelSpec(
              id,
              json.getString("upstreamId"),
              required(json, "provider", where),
              json.getString("family", json.getString("provider")),
              tier,
              new LinkedHashSet<>(strings(json.getJsonArray("capabilities"), where, "capabilities")),
              json.getInteger("contextWindow", 131_072),
              inputPrice,
              outputPrice,
              modelRegions,
              positive(nominal, "ttftMs", where),
              // An embedding answer is not generated token by token: no speed to publish.
              embedding != null && nominal.getValue("tokensPerSecond") == null
                  ? Double.NaN
                  : positive(nominal, "tokensPerSecond", where),
              embedding,
              cachedInputPrice));
    }
    Object classifierJson = root.getValue("classifier");
    if (classifierJson != null && !(classifierJson instanceof JsonObject)) {
      throw new CatalogException("'classifier' must be an object");
    }
    dev.meridian.core.routing.Classifier classifier =
        classifierJson == null
            ? dev.meridian.core.routing.Classifier.defaults()
            : dev.meridian.core.routing.Classifier.fromJson((JsonObject) classifierJson);
    return new Catalog(
        root.getString("version"), regions, providers, models, fallbacks(root, models), classifier,
        aliases(root, models));
  }

  /**
   * {@code "fallbacks": {"<model or tier>": [{"model": "x", "maxTtftMs": 400, "minTokensPerSecond": 40},
   * {"tier": "budget"}]}}: each step names one model or a whole tier.
   */
  private static dev.meridian.core.routing.FallbackChains fallbacks(JsonObject root, List<ModelSpec> models) {
    JsonObject json = root.getJsonObject("fallbacks");
    if (json == null) {
      return dev.meridian.core.routing.FallbackChains.NONE;
    }
    Map<String, List<dev.meridian.core.routing.ChainStep>> chains = new LinkedHashMap<>();
    for (String name : json.fieldNames()) {
      if (!(json.getValue(name) instanceof JsonArray steps)) {
        throw new CatalogException("fallback chain for '" + name + "' must be an array");
      }
      // Routing looks a tier's chain up by the tier's id; tier names are case-insensitive in the file.
      Tier keyTier = Tier.fromId(name);
      String key =
          keyTier != null && models.stream().noneMatch(m -> m.id().equals(name)) ? keyTier.id() : name;
      if (chains.containsKey(key)) {
        throw new CatalogException("fallback chain for '" + name + "': tier '" + key + "' has two chains");
      }
      chains.put(key, chainSteps(steps, "fallback chain for '" + name + "'", models));
    }
    return new dev.meridian.core.routing.FallbackChains(chains);
  }

  /**
   * Steps of a chain: each names one {@code model} or a whole {@code tier} (its chat models, narrowed
   * to those with every listed {@code capabilities} entry), with optional thresholds.
   */
  private static List<dev.meridian.core.routing.ChainStep> chainSteps(
      JsonArray steps, String owner, List<ModelSpec> models) {
    List<dev.meridian.core.routing.ChainStep> parsed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      String where = owner + ", step " + i;
      Object item = steps.getValue(i);
      if (!(item instanceof JsonObject step)) {
        throw new CatalogException(where + " is not an object");
      }
      List<String> stepModels = new ArrayList<>();
      String model = step.getString("model");
      String tierName = step.getString("tier");
      if ((model == null) == (tierName == null)) {
        throw new CatalogException(where + " must name exactly one of 'model' or 'tier'");
      }
      JsonArray capabilities = step.getJsonArray("capabilities", new JsonArray());
      if (model != null) {
        if (!capabilities.isEmpty()) {
          throw new CatalogException(where + ": 'capabilities' narrows a tier; a model step names its model");
        }
        stepModels.add(model);
      } else {
        Tier tier = Tier.fromId(tierName);
        if (tier == null) {
          throw new CatalogException(where + " names unknown tier '" + tierName + "'");
        }
        for (ModelSpec spec : models) {
          // Tiers stand for chat answers only.
          if (spec.tier() == tier && spec.kind() == ModelKind.CHAT && hasAll(spec, capabilities)) {
            stepModels.add(spec.id());
          }
        }
        if (stepModels.isEmpty()) {
          throw new CatalogException(where + ": tier '" + tierName + "' has no models"
              + (capabilities.isEmpty() ? "" : " with capabilities " + capabilities.encode()));
        }
      }
      Number maxTtft = step.getNumber("maxTtftMs");
      Number minSpeed = step.getNumber("minTokensPerSecond");
      parsed.add(
          new dev.meridian.core.routing.ChainStep(
              stepModels,
              maxTtft == null ? Double.NaN : maxTtft.doubleValue(),
              minSpeed == null ? Double.NaN : minSpeed.doubleValue()));
    }
    return parsed;
  }

  private static boolean hasAll(ModelSpec spec, JsonArray capabilities) {
    for (Object capability : capabilities) {
      if (!(capability instanceof String name)) {
        throw new CatalogException("capabilities must be strings, got " + capability);
      }
      if (!spec.has(name)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code "aliases": {"claude-*haiku*": [steps as in fallbacks], "gpt-4o*": "auto"}}: a glob pattern
   * routes along its own steps, or as another name (a model, a tier or {@code auto}).
   */
  private static dev.meridian.core.routing.ModelAliases aliases(JsonObject root, List<ModelSpec> models) {
    Object json = root.getValue("aliases");
    if (json == null) {
      return dev.meridian.core.routing.ModelAliases.NONE;
    }
    if (!(json instanceof JsonObject table)) {
      throw new CatalogException("'aliases' must be an object of pattern to target or steps");
    }
    List<dev.meridian.core.routing.ModelAliases.Alias> aliases = new ArrayList<>();
    try {
      for (String pattern : table.fieldNames()) {
        Object value = table.getValue(pattern);
        String where = "alias '" + pattern + "'";
        if (value instanceof String target) {
          aliases.add(new dev.meridian.core.routing.ModelAliases.Alias(pattern, target, List.of()));
        } else if (value instanceof JsonArray steps) {
          if (steps.isEmpty()) {
            throw new CatalogException(where + " has no steps");
          }
          aliases.add(new dev.meridian.core.routing.ModelAliases.Alias(pattern, null, chainSteps(steps, where, models)));
        } else {
          throw new CatalogException(where + " must be a name (string) or an array of steps");
        }
      }
      return new dev.meridian.core.routing.ModelAliases(aliases);
    } catch (IllegalArgumentException e) {
      throw new CatalogException(e.getMessage(), e);
    }
  }

  private static List<JsonObject> objects(JsonObject root, String field) {
    JsonArray array = root.getJsonArray(field);
    if (array == null) {
      throw new CatalogException("missing array '" + field + "'");
    }
    List<JsonObject> list = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject object)) {
        throw new CatalogException("'" + field + "[" + i + "]' is not an object");
      }
      list.add(object);
    }
    return list;
  }

  /** The {@code embedding} object of a model whose {@code kind} is {@code embedding}; null for chat. */
  private static EmbeddingSpec embedding(JsonObject json, String where) {
    String kindName = json.getString("kind", ModelKind.CHAT.id());
    ModelKind kind = ModelKind.fromId(kindName);
    if (kind == null) {
      throw new CatalogException(where + " has unknown kind '" + kindName + "' (expected chat or embedding)");
    }
    Object spec = json.getValue("embedding");
    if (kind == ModelKind.CHAT) {
      if (spec != null) {
        throw new CatalogException(where + " has an 'embedding' object but is not of kind 'embedding'");
      }
      return null;
    }
    if (!(spec instanceof JsonObject embedding)) {
      throw new CatalogException(where + " is an embedding model and needs an 'embedding' object with 'dimensions'");
    }
    List<Integer> allowed = new ArrayList<>();
    JsonArray listed = embedding.getJsonArray("allowedDimensions", new JsonArray());
    for (int i = 0; i < listed.size(); i++) {
      if (!(listed.getValue(i) instanceof Integer value) || value <= 0) {
        throw new CatalogException(where + " has a non-positive or non-integer 'allowedDimensions[" + i + "]'");
      }
      allowed.add(value);
    }
    return new EmbeddingSpec(
        embedding.getInteger("dimensions", 0), allowed, embedding.getInteger("maxInputs", 2048));
  }

  private static List<String> strings(JsonArray array, String where, String field) {
    List<String> list = new ArrayList<>();
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        String value = array.getString(i);
        if (value == null || value.isBlank()) {
          throw new CatalogException(where + " has an empty entry in '" + field + "[" + i + "]'");
        }
        list.add(value);
      }
    }
    return list;
  }

  private static String required(JsonObject json, String field, String where) {
    String value = json.getString(field);
    if (value == null || value.isBlank()) {
      throw new CatalogException(where + " is missing '" + field + "'");
    }
    return value;
  }

  private static double nonNegative(JsonObject json, String field, String where) {
    Number value = json.getNumber(field);
    if (value == null || value.doubleValue() < 0) {
      throw new CatalogException(where + " needs a non-negative '" + field + "'");
    }
    return value.doubleValue();
  }

  private static double positive(JsonObject json, String field, String where) {
    Number value = json.getNumber(field);
    if (value == null || value.doubleValue() <= 0) {
      throw new CatalogException(where + " needs a positive nominal '" + field + "'");
    }
    return value.doubleValue();
  }

  /** Models that list capabilities the router knows nothing about are allowed; this lists the known ones. */
  public static Set<String> knownCapabilities() {
    return Set.of(
        ModelSpec.CAPABILITY_CODE,
        ModelSpec.CAPABILITY_REASONING,
        ModelSpec.CAPABILITY_TOOLS,
        ModelSpec.CAPABILITY_VISION);
  }
}
