package dev.meridian.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.internal.cluster.impl.JoinMessage;
import com.hazelcast.internal.cluster.impl.JoinRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps members that do not hold the cluster's join token ({@code MERIDIAN_CLUSTER_TOKEN}) out of the
 * Hazelcast cluster. Open-source Hazelcast has no member authentication, so this uses the one hook it
 * calls on every join: the master's {@code NodeExtension.validateJoinRequest}. A refused joiner is
 * told why and shuts down; the members never see it.
 *
 * <p>A member does not present the token itself: member attributes are visible to every member and
 * to Hazelcast clients. It presents {@code HMAC-SHA256(token, its member UUID)}, which proves it holds
 * the token and is worth nothing under any other UUID. The proof travels in cleartext (no TLS in
 * open-source Hazelcast), so whoever can read cluster traffic can replay it for that UUID only, once
 * that member has left. Internal Hazelcast API (5.3): {@code ClusterJoinCheckTest} breaks on an upgrade
 * that changes it.
 */
final class ClusterJoinCheck {
  static final String PROOF_ATTRIBUTE = "meridian.join-proof";
  static final String TOKEN_ENV = "MERIDIAN_CLUSTER_TOKEN";
  /** A token must be worth guessing no better than a key: at least 128 bits as hex or base64. */
  static final int MIN_TOKEN_LENGTH = 24;

  private ClusterJoinCheck() {}

  /** A member that checks joiners when the environment holds a token, a plain member otherwise. */
  static HazelcastInstance start(Config config, Map<String, String> env) {
    String token = env.getOrDefault(TOKEN_ENV, "");
    if (token.isBlank()) {
      return Hazelcast.newHazelcastInstance(config);
    }
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(TOKEN_ENV + " must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(), new TokenContext(token));
  }

  static boolean enabled(Map<String, String> env) {
    return !env.getOrDefault(TOKEN_ENV, "").isBlank();
  }

  static String proof(String token, UUID member) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(member.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static final class TokenContext extends DefaultNodeContext {
    private final String token;

    TokenContext(String token) {
      this.token = token;
    }

    @Override
    public NodeExtension createNodeExtension(Node node) {
      return new TokenExtension(node, token);
    }
  }

  private static final class TokenExtension extends DefaultNodeExtension {
    private final String token;

    TokenExtension(Node node, String token) {
      super(node);
      this.token = token;
    }

    /** The UUID is made before the member's attributes are read: the proof for it goes in with them. */
    @Override
    public UUID createMemberUuid() {
      UUID uuid = super.createMemberUuid();
      node.getConfig().getMemberAttributeConfig().setAttribute(PROOF_ATTRIBUTE, proof(token, uuid));
      return uuid;
    }

    @Override
    public void validateJoinRequest(JoinMessage message) {
      super.validateJoinRequest(message);
      if (message instanceof JoinRequest request) {
        String presented = request.getAttributes().get(PROOF_ATTRIBUTE);
        byte[] expected = proof(token, request.getUuid()).getBytes(StandardCharsets.US_ASCII);
        if (presented == null || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII))) {
          throw new IllegalStateException(
              "join refused: the member at " + request.getAddress() + " did not prove it holds this cluster's join token");
        }
      }
    }
  }
}
