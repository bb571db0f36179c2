#!/usr/bin/env python3
"""A user-space WAN emulator on a TUN device, for machines whose kernel has no tc netem.

Runs in the "wan" network namespace of chaos/wan/run.sh. Every packet between two region
namespaces is routed into the TUN device (policy routing: `ip rule iif <veth> lookup 100`,
table 100 = default dev <tun>); this program reads it, decides from its addresses which regions it
connects, and writes it back into the TUN after that link's one-way delay, unless the link is down
(partition) or the packet is lost. The kernel then routes it on to the destination namespace (packets
coming in from the TUN use the main table, whose connected routes lead to the veths).

Addresses: 10.77.R.0/24 and 10.78.R.0/24 belong to region R (1 us-east, 2 eu-west, 3 ap-southeast);
anything else (10.79.0.0/24, the measurement namespace) passes at once and is never dropped.

Links (a JSON file, re-read when it changes): {"us-east|eu-west": {"rtt_ms": 75, "jitter_ms": 4,
"loss": 0.0, "down": false}, ...}. One-way delay is rtt/2 in each direction plus a normally
distributed jitter (standard deviation jitter_ms / 2, so most packets land within +-jitter_ms of
the round trip), never negative; packets of one direction of a link leave in the order they came
(a later packet never overtakes an earlier one), as on a real path, so jitter does not reorder TCP.
Loss drops each packet of the link independently with that probability, in both directions.

Link changes apply within 0.1 s. Writes counters per link (forwarded, lost, cut) to --stats every
2 s, atomically.

  wanem.py --tun wan0 --links links.json --stats stats.json
"""

import argparse
import fcntl
import heapq
import json
import os
import random
import select
import struct
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
REGIONS = {1: "us-east", 2: "eu-west", 3: "ap-southeast"}


def region_of(addr: bytes):
    if addr[0] == 10 and addr[1] in (77, 78):
        return REGIONS.get(addr[2])
    return None


def link_name(a: str, b: str) -> str:
    order = list(REGIONS.values())
    first, second = sorted((a, b), key=order.index)
    return f"{first}|{second}"


class Links:
    def __init__(self, path: str):
        self.path = path
        self.mtime = None
        self.table = {}
        self.reload()

    def reload(self):
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self.mtime:
            return
        with open(self.path) as f:
            table = json.load(f)
        self.table = table
        self.mtime = mtime

    def get(self, name: str) -> dict:
        return self.table.get(name, {})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tun", required=True)
    parser.add_argument("--links", required=True)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", args.tun.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    rng = random.Random(args.seed)
    links = Links(args.links)
    queue = []  # (release time, sequence, packet)
    last_release = {}  # (from region, to region) -> release time of its latest packet
    stats = {}
    seq = 0
    next_housekeeping = 0.0
    next_reload = 0.0

    def count(name, what):
        entry = stats.setdefault(name, {"forwarded": 0, "lost": 0, "cut": 0})
        entry[what] += 1

    while True:
        now = time.monotonic()
        timeout = 0.2
        if queue:
            timeout = max(0.0, min(timeout, queue[0][0] - now))
        readable, _, _ = select.select([fd], [], [], timeout)
        now = time.monotonic()
        if readable:
            for _ in range(256):
                try:
                    packet = os.read(fd, 65535)
                except BlockingIOError:
                    break
                if len(packet) < 20 or packet[0] >> 4 != 4:
                    continue  # IPv4 only; the namespaces have no IPv6 addresses
                src, dst = region_of(packet[12:16]), region_of(packet[16:20])
                if src is None or dst is None or src == dst:
                    os.write(fd, packet)
                    continue
                name = link_name(src, dst)
                link = links.get(name)
                if link.get("down"):
                    count(name, "cut")
                    continue
                if rng.random() < float(link.get("loss", 0.0)):
                    count(name, "lost")
                    continue
                one_way = float(link.get("rtt_ms", 0.0)) / 2.0
                jitter = rng.gauss(0.0, float(link.get("jitter_ms", 0.0)) / 2.0)
                release = now + max(0.0, one_way + jitter) / 1000.0
                release = max(release, last_release.get((src, dst), 0.0))
                last_release[(src, dst)] = release
                seq += 1
                heapq.heappush(queue, (release, seq, packet))
                count(name, "forwarded")
        while queue and queue[0][0] <= now:
            _, _, packet = heapq.heappop(queue)
            try:
                os.write(fd, packet)
            except OSError:
                pass  # the kernel refused one packet (no route while a namespace goes away)
        if now >= next_reload:
            links.reload()
            next_reload = now + 0.1
        if now >= next_housekeeping:
            tmp = args.stats + ".tmp"
            with open(tmp, "w") as f:
                json.dump(stats, f, sort_keys=True)
            os.replace(tmp, args.stats)
            next_housekeeping = now + 2.0


if __name__ == "__main__":
    main()
