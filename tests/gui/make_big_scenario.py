#!/usr/bin/env python3
"""Writes a 1-hour, 100-host scenario (50 VRRP pairs on one LAN) for the
viewer's responsiveness figures (docs/gui.md):
    python3 tests/gui/make_big_scenario.py > /tmp/big.yaml
    vrrpsim-gui --render /tmp/big.yaml -o big.png --timing
Every minute one pair's master has its check fail for 20 s, and every
7 minutes one master crashes and comes back 30 s later."""
import random

HOSTS, DURATION_S = 100, 3600
rnd = random.Random(1)
print("name: big 100 hosts")
print("description: 50 VRRP pairs, one hour, checks failing and crashes (viewer figures).")
print("seed: 1")
print(f"duration: {DURATION_S}s")
print("nodes:")
for h in range(HOSTS):
    pair, second = divmod(h, 2)
    print(f"  - name: n{h:03d}")
    print("    config: |")
    print("      vrrp_script chk {")
    print("          script \"/usr/local/bin/check\"")
    print("          interval 2")
    print("          weight -20")
    print("      }")
    print(f"      vrrp_instance VI_{pair} {{")
    print("          state BACKUP")
    print("          interface eth0")
    print(f"          virtual_router_id {pair + 1}")
    print(f"          priority {100 - second}")
    print("          advert_int 1")
    print("          track_script { chk }")
    print(f"          virtual_ipaddress {{ 192.168.{pair // 200}.{pair % 200 + 1}/16 }}")
    print("      }")
print("timeline:")
for minute in range(1, DURATION_S // 60 - 1):
    h = 2 * rnd.randrange(HOSTS // 2)
    print(f"  - {{at: {minute * 60}s, op: check, node: n{h:03d}, script: chk, result: fail}}")
    print(f"  - {{at: {minute * 60 + 20}s, op: check, node: n{h:03d}, script: chk, result: succeed}}")
    if minute % 7 == 0:
        c = 2 * rnd.randrange(HOSTS // 2) + 1
        print(f"  - {{at: {minute * 60 + 5}s, op: crash, node: n{c:03d}}}")
        print(f"  - {{at: {minute * 60 + 35}s, op: start, node: n{c:03d}}}")
