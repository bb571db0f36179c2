# shellcheck shell=bash
# Network of the three-region WAN run (sourced by chaos/wan/run.sh). Needs root (ip netns) and TUN.
#
#   region namespaces  $TAG-r1 us-east 10.77.1.2 | $TAG-r2 eu-west 10.77.2.2 | $TAG-r3 ap-southeast 10.77.3.2
#                      (one router each: HTTP 8080, Hazelcast 5701, event bus 5801)
#   providers          $TAG-p: the simulator, reachable as 10.78.1.1 (us-east's providers),
#                      10.78.2.1 (eu-west's) and 10.78.3.1 (ap-southeast's)
#   measurement        $TAG-c 10.79.0.2: load driver and sampler; their traffic is never delayed or cut
#                      (standing in for a client next to each region's router)
#   wan                $TAG-w: a veth to each of the above, and the TUN device of chaos/wan/wanem.py,
#                      through which policy routing sends every packet coming from a region or the
#                      providers; wanem.py delays, drops or cuts it by the regions of its addresses.
# Nothing is routed outside these namespaces: none has a route to the host's interfaces.

WAN_REGIONS=(us-east eu-west ap-southeast)

net_up() { # net_up TAG DIR: creates everything; the emulator's links file is DIR/links.json
  local tag="$1" dir="$2" i
  NS_WAN="$tag-w"; NS_PROV="$tag-p"; NS_CTL="$tag-c"
  ip netns add "$NS_WAN"
  ip -n "$NS_WAN" link set lo up
  ip netns exec "$NS_WAN" sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0
  ip -n "$NS_WAN" tuntap add dev "${tag}t" mode tun
  ip -n "$NS_WAN" link set "${tag}t" up
  ip -n "$NS_WAN" route add default dev "${tag}t" table 100
  for i in 1 2 3; do
    net_leg "$tag" "$tag-r$i" "${tag}r$i" "${tag}w$i" "10.77.$i.2/24" "10.77.$i.1/24" "10.77.$i.1"
    ip -n "$NS_WAN" rule add iif "${tag}w$i" lookup 100
  done
  net_leg "$tag" "$NS_PROV" "${tag}p" "${tag}wp" "10.78.1.1/16" "10.78.0.1/16" "10.78.0.1"
  ip -n "$NS_PROV" addr add 10.78.2.1/16 dev "${tag}p"
  ip -n "$NS_PROV" addr add 10.78.3.1/16 dev "${tag}p"
  ip -n "$NS_WAN" rule add iif "${tag}wp" lookup 100
  net_leg "$tag" "$NS_CTL" "${tag}c" "${tag}wc" "10.79.0.2/24" "10.79.0.1/24" "10.79.0.1"
}

net_leg() { # net_leg TAG NS INNER OUTER INNER_CIDR OUTER_CIDR GATEWAY: a namespace on a veth to wan
  local tag="$1" ns="$2" inner="$3" outer="$4"
  [[ -e "/run/netns/$ns" ]] || ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "$inner" netns "$ns" type veth peer name "$outer" netns "$NS_WAN"
  ip -n "$ns" addr add "$5" dev "$inner"
  ip -n "$NS_WAN" addr add "$6" dev "$outer"
  ip netns exec "$NS_WAN" sysctl -q -w "net.ipv4.conf.$outer.rp_filter=0"
  ip -n "$ns" link set "$inner" up
  ip -n "$NS_WAN" link set "$outer" up
  ip -n "$ns" route add default via "$7"
}

net_down() { # net_down TAG: deletes every namespace of the run (their veths go with them)
  local tag="$1" ns
  for ns in "$tag-r1" "$tag-r2" "$tag-r3" "$tag-p" "$tag-c" "$tag-w"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

# links.json for wanem.py. Round trips (ms) are the simulator's, half of each applied in each
# direction; jitter is the standard deviation's double, in ms, of the whole round trip.
links_json() { # links_json [DOWN_REGION] [LOSSY_LINK LOSS]
  local down="${1:-}" lossy="${2:-}" loss="${3:-0}"
  jq -n -c --arg down "$down" --arg lossy "$lossy" --argjson loss "$loss" '
    def link($a; $b; $rtt):
      {key: "\($a)|\($b)", value: {rtt_ms: $rtt, jitter_ms: ($rtt * 0.05),
        loss: (if "\($a)|\($b)" == $lossy then $loss else 0 end),
        down: ($down == $a or $down == $b)}};
    [link("us-east"; "eu-west"; 75), link("eu-west"; "ap-southeast"; 160),
     link("us-east"; "ap-southeast"; 210)] | from_entries'
}
