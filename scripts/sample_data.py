#!/usr/bin/env python3
"""Writes Troupe's own sample data (deterministic for a given seed):
customers.jsonl, corpus.jsonl, campaign.json and blocklist.txt in the
directory given; or, with --events-from, events.jsonl: conversions (with
a value), opens and clicks of the customers in a campaign's exported
deliveries, hours to days after each message (the personalized arm
converts at about 6%, the control at 4%, both more for customers who spent
more before).

    scripts/sample_data.py DIR [--customers N] [--corpus N] [--seed S]
    scripts/sample_data.py DIR --events-from DELIVERIES.jsonl [--seed S]

The fields follow the reference workload's record shapes, so that the demo
and the tests need nothing outside this repository."""

import argparse
import json
import os
import random

REGIONS = ["CA", "NY", "TX", "WA", "OR", "CO", "FL", "IL", "MA", "GA", "AZ", "NV", "NJ",
           "PA", "OH", "MI", "MN", "NC", "VA", "UT", "AK", "HI"]
INTERESTS = ["outdoor", "travel", "fitness", "books", "garden", "kitchen", "beauty",
             "tech", "pets", "kids", "music", "home"]
NAMES = ["Ada", "Ben", "Chloe", "Dev", "Emma", "Finn", "Grace", "Hugo", "Iris", "Jonas",
         "Kai", "Lena", "Mia", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sam", "Tara"]
WORDS = ["trail", "light", "gentle", "weekend", "cozy", "plan", "daily", "bold", "fresh",
         "journey", "pack", "simple", "bright", "calm", "garden", "story", "clean", "smart"]


def customers(rng, n):
    for i in range(1, n + 1):
        yield {
            "id": "s%07d" % i,
            "email": "s%07d@example.com" % i,
            "first_name": rng.choice(NAMES),
            "region": rng.choice(REGIONS),
            "marketing_opt_in": rng.random() < 0.8,
            "total_order_value": round(rng.uniform(0, 500), 2),
            "order_count": rng.randint(0, 12),
            "last_order_date": "2026-%02d-%02d" % (rng.randint(1, 10), rng.randint(1, 28)),
            "categories": rng.sample(INTERESTS, rng.randint(1, 3)),
            "device": rng.choice(["mobile", "desktop", "tablet"]),
            "engagement": round(rng.random(), 3),
        }


def corpus(rng, n):
    for i in range(1, n + 1):
        tags = rng.sample(INTERESTS, rng.randint(1, 2))
        body = " ".join(rng.choice(WORDS) for _ in range(60))
        if "pets" in tags and rng.random() < 0.3:
            body += " a miracle for pets"  # a blocked term: the safety stage's work
        yield {
            "id": "doc%04d" % i,
            "title": " ".join(rng.choice(WORDS).title() for _ in range(3)),
            "body": body,
            "tags": tags,
            "approved": rng.random() < 0.95,
        }


CAMPAIGN = {
    "id": "sample-spring",
    "name": "Sample spring launch",
    "brief": {"product": "TrailLite Jacket", "features": ["waterproof", "packable"],
              "tone": "friendly", "keywords": ["outdoor", "trail"]},
    "segment": "marketing_opt_in AND total_order_value >= 20 "
               "AND region NOT IN ('AK', 'HI')",
    "arms": [{"name": "control", "weight": 50}, {"name": "personalized", "weight": 50}],
    "citations": 3,
    "channel": "store",
}


BLOCKLIST = ["miracle", "guaranteed cure"]

RATES = {"control": 0.04, "personalized": 0.06}
HOUR_MS = 3_600_000


def events(rng, deliveries, order_values):
    """Responses after each message: opens, clicks and conversions within
    days of it (one conversion in 20 a week before it: outside any
    attribution window). Customers who spent more before convert more often
    and spend more, so their total_order_value predicts the revenue (what
    `campaign report --cuped total_order_value` uses)."""
    n = 0
    for line in deliveries:
        d = json.loads(line)
        arm = d["arm"]
        base = {"customer_id": d["customer_id"], "campaign_id": d["campaign_id"]}
        sent = d["delivered_at_ms"]
        before = order_values.get(d["customer_id"], 250.0)
        for kind, p in (("open", 0.4), ("click", 0.1),
                        ("conversion", RATES.get(arm, 0.04) * (0.5 + before / 500))):
            if rng.random() < p:
                n += 1
                ts = sent + rng.randint(1, 96) * HOUR_MS
                event = dict(base, type=kind, ts=ts, id="ev%08d" % n)
                if kind == "conversion":
                    if rng.random() < 0.05:
                        event["ts"] = sent - 7 * 24 * HOUR_MS
                    event["value"] = round(max(1.0, 20 + 0.3 * before + rng.gauss(0, 10)), 2)
                yield event


def order_values_in(directory):
    """total_order_value by customer id, from DIR/customers.jsonl if there."""
    values = {}
    path = os.path.join(directory, "customers.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                c = json.loads(line)
                values[c["id"]] = float(c.get("total_order_value", 250.0))
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--corpus", type=int, default=200, help="documents in corpus.jsonl")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--events-from", metavar="DELIVERIES",
                        help="write DIR/events.jsonl for these exported deliveries")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = random.Random(args.seed)
    if args.events_from:
        with open(args.events_from) as deliveries, \
                open(os.path.join(args.dir, "events.jsonl"), "w") as out:
            for e in events(rng, deliveries, order_values_in(args.dir)):
                out.write(json.dumps(e, separators=(",", ":")) + "\n")
        return
    with open(os.path.join(args.dir, "customers.jsonl"), "w") as out:
        for c in customers(rng, args.customers):
            out.write(json.dumps(c, separators=(",", ":")) + "\n")
    with open(os.path.join(args.dir, "corpus.jsonl"), "w") as out:
        for d in corpus(rng, args.corpus):
            out.write(json.dumps(d, separators=(",", ":")) + "\n")
    with open(os.path.join(args.dir, "campaign.json"), "w") as out:
        json.dump(CAMPAIGN, out, indent=2)
        out.write("\n")
    with open(os.path.join(args.dir, "blocklist.txt"), "w") as out:
        out.write("# terms no message may carry\n" + "\n".join(BLOCKLIST) + "\n")


if __name__ == "__main__":
    main()
