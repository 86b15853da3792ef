"""Synthetic data at a given scale, deterministic for a seed: realistic record shapes and text
lengths, every reference valid, every person and proposal used (so `check --strict` passes).

    python bench/synth.py OUT_DIR TOPICS PROPOSALS QUOTES [--seed N]
"""

from __future__ import annotations

import argparse
import os
import random

WORDS = """
memory cgroup reclaim folio page cache eviction policy hook kfunc struct_ops bpf program verifier
pressure oom killer numa balancing tiering huge transparent swap readahead lru kernel mainline
series review upstream stable abi interface callback attach hierarchy latency throughput workload
fleet userspace daemon fallback safety performance generic
""".split()  # noqa: SIM905 (a word list reads better as text)


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block(text: str, indent: int) -> str:
    pad = " " * indent
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) > 72:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "|\n" + "\n".join(pad + ln for ln in lines)


def generate(out: str, n_topics: int, n_proposals: int, n_quotes: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    n_people = max(12, n_proposals // 5)
    people = [f"person-{i:05d}" for i in range(n_people)]
    for sub in ("events", "topics", "proposals", "threads"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    def write(rel: str, text: str) -> None:
        with open(os.path.join(out, rel), "w", encoding="utf-8") as fh:
            fh.write(text)

    days = ["2030-05-06", "2030-05-07", "2030-05-08"]
    rooms = [f"room-{i}" for i in range(max(1, n_topics // 40))]
    write(
        "events/synthetic-summit.yaml",
        "\n".join(
            [
                "id: synthetic-summit",
                "name: Synthetic summit",
                f"start: {days[0]}",
                f"end: {days[-1]}",
                "place: Example City",
                "timezone: Europe/Prague",
                "tracks:",
                "  - id: mm\n    name: Memory management",
                "  - id: bpf\n    name: BPF",
                "rooms:",
                *[f"  - id: {r}\n    name: Room {r}" for r in rooms],
                "sources:",
                "  - url: https://example.org/summit",
                "",
            ]
        ),
    )
    write(
        "people.yaml",
        "people:\n"
        + "".join(
            f"  - id: {p}\n    name: {q('Person ' + p[-5:] + ' ' + rng.choice(WORDS).capitalize())}\n"
            f"    addresses: [{p}@example.org]\n"
            for p in people
        ),
    )

    per_topic = n_proposals // n_topics
    quotes_per_topic = n_quotes // n_topics
    questions = []
    used_people: set[str] = set()
    for t in range(n_topics):
        tid = f"topic-{t:05d}"
        props = [f"proposal-{t * per_topic + k:06d}" for k in range(per_topic)]
        qids = [f"question-{t:05d}-{k}" for k in range(3)]
        lead = people[t % n_people]
        used_people.add(lead)
        for pid in props:
            author, reviewer = rng.choice(people), rng.choice(people)
            used_people.update((author, reviewer))
            write(
                f"proposals/{pid}.yaml",
                "\n".join(
                    [
                        f"id: {pid}",
                        f"title: {q(sentence(rng, 5)[:-1])}",
                        "kind: series",
                        f"status: {rng.choice(['idea', 'rfc', 'under-review', 'landed', 'rejected'])}",
                        f"status_note: {q(sentence(rng, 10))}",
                        "status_sources:",
                        f"  - url: https://lore.kernel.org/r/{pid}@example.org",
                        "people:",
                        f"  - person: {author}\n    role: author",
                        f"  - person: {reviewer}\n    role: reviewer",
                        f"summary: {block(paragraph(rng, 4), 2)}",
                        "links:",
                        f"  - type: series\n    url: https://lore.kernel.org/r/{pid}-v2@example.org\n    version: v2\n"
                        f"    date: 2029-1{rng.randint(0, 2)}-1{rng.randint(0, 9)}",
                        "history:",
                        f"  - date: 2029-11\n    event: {q(sentence(rng, 6))}",
                        "concerns:",
                        f"  - by: {reviewer}\n    concern: {q(sentence(rng, 12))}\n"
                        f"    url: https://lore.kernel.org/r/{pid}-review@example.org",
                        "",
                    ]
                ),
            )
        messages, quotes = [], []
        n_messages = max(2, quotes_per_topic // 2)
        said: list[list[str]] = [[] for _ in range(n_messages)]  # what each message says
        for k in range(quotes_per_topic):
            text = paragraph(rng, 2)
            said[k % n_messages].append(text)
            about = (
                f"    proposals: [{rng.choice(props)}]" if props and k % 2 else f"    questions: [{rng.choice(qids)}]"
            )
            quotes.append(
                f"  - id: {tid}-quote-{k}\n    message: {tid}-{k % n_messages}@example.org\n"
                f"    text: {block(text, 6)}\n{about}"
            )
        for m in range(n_messages):
            author = rng.choice(people)
            used_people.add(author)
            reply = f"\n    in_reply_to: {tid}-0@example.org" if m else ""
            body = block(" ".join(said[m]) or sentence(rng, 8), 6)  # the quotes are its words
            messages.append(
                f"  - message_id: {tid}-{m}@example.org\n    author: {author}\n"
                f"    date: 2030-01-{1 + m % 28:02d}T{m % 24:02d}:00:00Z{reply}\n    text: {body}"
            )
        write(
            f"threads/{tid}.yaml",
            f"id: {tid}\nsubject: {q('[LSF/MM/BPF TOPIC] ' + sentence(rng, 5)[:-1])}\n"
            "messages:\n" + "\n".join(messages) + "\nquotes:\n" + "\n".join(quotes) + "\n",
        )
        slot = ""
        if t % 2 == 0:  # every other topic has a slot, each its own room, day and half hour: no clash
            s = t // 2
            rest = s // len(rooms)
            minute = 9 * 60 + 30 * ((rest // len(days)) % 16)
            slot = (
                f'slot:\n  day: {days[rest % len(days)]}\n  start: "{minute // 60:02d}:{minute % 60:02d}"\n'
                f"  minutes: 30\n  room: {rooms[s % len(rooms)]}\n"
            )
        order = "".join(f"  - title: {q(sentence(rng, 4))}\n    minutes: 10\n    proposals: [{p}]\n" for p in props[:3])
        write(
            f"topics/{tid}.yaml",
            "\n".join(
                [
                    f"id: {tid}",
                    f"title: {q(sentence(rng, 6)[:-1])}",
                    "tracks: [mm, bpf]",
                    f"lead: {lead}",
                    f"message_id: {tid}-0@example.org",
                    "posted: 2030-01-01T10:00:00Z",
                    "lists: [linux-mm, bpf]",
                    f"thread: {tid}",
                    f"abstract: {block(paragraph(rng, 6), 2)}",
                    slot + f"proposals: [{', '.join(props)}]",
                    "running_order:\n" + order.rstrip("\n"),
                    "reading:",
                    f"  - type: lwn\n    url: https://lwn.net/Articles/{100000 + t}/\n    title: {q(sentence(rng, 5))}",
                    "",
                ]
            ),
        )
        for k, qid in enumerate(qids):
            holder = rng.choice(people)
            used_people.add(holder)
            questions.append(
                f"  - id: {qid}\n    topic: {tid}\n    question: {q(sentence(rng, 9)[:-1] + '?')}\n"
                f"    context: {block(paragraph(rng, 2), 6)}\n    proposals: [{props[k % len(props)]}]\n"
                f"    positions:\n      - by: [{holder}]\n        summary: {q(sentence(rng, 14))}\n"
                f"        quotes: [{tid}-quote-{k}]"
            )
    write("questions.yaml", "questions:\n" + "\n".join(questions) + "\n")
    unused = [p for p in people if p not in used_people]
    if unused:  # keep --strict clean: give every remaining person a review somewhere
        with open(os.path.join(out, "proposals", f"proposal-{0:06d}.yaml"), "a", encoding="utf-8") as fh:
            fh.write(
                "".join(
                    f"  - by: {p}\n    concern: {q(sentence(rng, 6))}\n"
                    f"    url: https://lore.kernel.org/r/x@example.org\n"
                    for p in unused
                )
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("topics", type=int)
    ap.add_argument("proposals", type=int)
    ap.add_argument("quotes", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    generate(a.out, a.topics, a.proposals, a.quotes, a.seed)


if __name__ == "__main__":
    main()
