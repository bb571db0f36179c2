package dev.meridian.core.tenancy;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured client keys and admin keys, looked up by the hash of the key a request presents.
 * Format (docs/security.md):
 *
 * <pre>{@code
 * {"keys": [{"name": "search", "sha256": "<64 hex>", "allow": ["budget", "auto"],
 *            "requestsPerMinute": 600, "tokensPerMinute": 200000,
 *            "budget": {"dollars": 25, "per": "day"}, "maxTokens": 4096, "maxConcurrentRequests": 20}],
 *  "adminKeys": [{"name": "prometheus", "sha256": "<64 hex>"}]}
 * }</pre>
 */
public final class ClientKeys {
  private final Map<String, ClientKey> byHash;
  private final Map<String, ClientKey> byName = new HashMap<>();
  private final Map<String, String> adminNamesByHash;

  private ClientKeys(Map<String, ClientKey> byHash, Map<String, String> adminNamesByHash) {
    this.byHash = Map.copyOf(byHash);
    this.adminNamesByHash = Map.copyOf(adminNamesByHash);
    for (ClientKey key : this.byHash.values()) {
      byName.put(key.name(), key);
    }
  }

  public static ClientKeys of(Collection<ClientKey> keys) {
    Map<String, ClientKey> byHash = new HashMap<>();
    for (ClientKey key : keys) {
      byHash.put(key.sha256(), key);
    }
    return new ClientKeys(byHash, Map.of());
  }

  /** The key whose hash matches the presented secret, or null. */
  public ClientKey find(String presentedKey) {
    if (presentedKey == null || presentedKey.length() < KeyHash.MIN_KEY_LENGTH || presentedKey.length() > 512) {
      return null;
    }
    return byHash.get(KeyHash.sha256Hex(presentedKey));
  }

  /** The admin key's name when the presented secret is one, else null. */
  public String findAdmin(String presentedKey) {
    if (presentedKey == null || presentedKey.length() < KeyHash.MIN_KEY_LENGTH || presentedKey.length() > 512) {
      return null;
    }
    return adminNamesByHash.get(KeyHash.sha256Hex(presentedKey));
  }

  /** The configured key of that name (names are unique in a keys file), or null. */
  public ClientKey named(String name) {
    return byName.get(name);
  }

  public boolean hasAdminKeys() {
    return !adminNamesByHash.isEmpty();
  }

  public Collection<ClientKey> keys() {
    return byHash.values();
  }

  public int size() {
    return byHash.size();
  }

  /**
   * @throws IllegalArgumentException saying which entry and field is wrong; never quoting a secret
   */
  public static ClientKeys parse(String json, String source) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(source + ": not valid JSON");
    }
    try {
      return fromJson(root);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(source + ": a field has the wrong type");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage());
    }
  }

  private static ClientKeys fromJson(JsonObject root) {
    for (String field : root.fieldNames()) {
      if (!field.equals("keys") && !field.equals("adminKeys") && !field.startsWith("_")) {
        throw new IllegalArgumentException("unknown field '" + field + "' (expected keys, adminKeys)");
      }
    }
    JsonArray entries = root.getJsonArray("keys");
    if (entries == null || entries.isEmpty()) {
      throw new IllegalArgumentException("'keys' must list at least one client key");
    }
    Map<String, ClientKey> byHash = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      ClientKey key = clientKey(entries.getJsonObject(i), "keys[" + i + "]");
      if (!names.add(key.name())) {
        throw new IllegalArgumentException("keys[" + i + "]: the name '" + key.name() + "' is used twice");
      }
      if (byHash.put(key.sha256(), key) != null) {
        throw new IllegalArgumentException("keys[" + i + "] ('" + key.name() + "'): the same key hash is listed twice");
      }
    }
    Map<String, String> admins = new HashMap<>();
    JsonArray adminEntries = root.getJsonArray("adminKeys", new JsonArray());
    for (int i = 0; i < adminEntries.size(); i++) {
      String where = "adminKeys[" + i + "]";
      JsonObject entry = adminEntries.getJsonObject(i);
      rejectPlainKey(entry, where);
      String name = name(entry, where);
      String hash = hash(entry, where);
      if (byHash.containsKey(hash)) {
        throw new IllegalArgumentException(where + " ('" + name + "'): an admin key must not also be a client key");
      }
      admins.put(hash, name);
    }
    return new ClientKeys(byHash, admins);
  }

  private static ClientKey clientKey(JsonObject entry, String where) {
    rejectPlainKey(entry, where);
    String name = name(entry, where);
    where = where + " ('" + name + "')";
    Set<String> known = Set.of("name", "sha256", "allow", "requestsPerMinute", "tokensPerMinute", "budget", "maxTokens",
        "maxConcurrentRequests");
    for (String field : entry.fieldNames()) {
      if (!known.contains(field) && !field.startsWith("_")) {
        throw new IllegalArgumentException(where + ": unknown field '" + field + "'");
      }
    }
    JsonArray allowJson = entry.getJsonArray("allow", new JsonArray().add(ClientKey.ANY));
    List<String> allow = new ArrayList<>();
    for (Object value : allowJson) {
      if (!(value instanceof String text) || text.isBlank()) {
        throw new IllegalArgumentException(where + ": 'allow' entries must be model ids, tier names, auto or *");
      }
      allow.add(text);
    }
    double dollars = 0;
    BudgetPeriod period = BudgetPeriod.DAY;
    JsonObject budget = entry.getJsonObject("budget");
    if (budget != null) {
      Number amount = budget.getNumber("dollars");
      if (amount == null || !(amount.doubleValue() >= 0) || Double.isInfinite(amount.doubleValue())) {
        throw new IllegalArgumentException(where + ": budget.dollars must be a number >= 0");
      }
      dollars = amount.doubleValue();
      period = BudgetPeriod.fromId(budget.getString("per", "day"));
    }
    ClientKey key =
        new ClientKey(
            name,
            hash(entry, where),
            new LinkedHashSet<>(allow),
            nonNegative(entry, "requestsPerMinute", where),
            nonNegative(entry, "tokensPerMinute", where),
            dollars,
            period,
            (int) Math.min(Integer.MAX_VALUE, nonNegative(entry, "maxTokens", where)),
            (int) Math.min(Integer.MAX_VALUE, nonNegative(entry, "maxConcurrentRequests", where)));
    if (key.allow().contains(ClientKey.AUTO) && !key.allowsSomeModel()) {
      throw new IllegalArgumentException(where + ": 'auto' needs models or tiers in 'allow' to route to");
    }
    return key;
  }

  private static void rejectPlainKey(JsonObject entry, String where) {
    if (entry.containsKey("key") || entry.containsKey("secret")) {
      throw new IllegalArgumentException(
          where + ": keys are stored as hashes only; replace the plain key with \"sha256\" "
              + "(bin/meridian keys hash prints it)");
    }
  }

  private static String name(JsonObject entry, String where) {
    String name = entry.getString("name");
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(where + ": 'name' is required: 1-64 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  private static String hash(JsonObject entry, String where) {
    String hash = entry.getString("sha256");
    if (hash == null || !KeyHash.isSha256Hex(hash.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException(where + ": 'sha256' must be the 64-hex-digit SHA-256 of the key");
    }
    return hash.toLowerCase(java.util.Locale.ROOT);
  }

  private static long nonNegative(JsonObject entry, String field, String where) {
    Object value = entry.getValue(field);
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number number) || number.doubleValue() < 0 || number.doubleValue() != Math.floor(number.doubleValue())) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be a whole number >= 0 (0 = no limit)");
    }
    return number.longValue();
  }
}
