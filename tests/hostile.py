"""A hostile data set: every text field carries payloads an attacker could post to a public
mailing list (markup, scripts, link tricks, bidi controls), plus a 1 MB quote. Written at test
time (the big quote is not committed)."""

from __future__ import annotations

from pathlib import Path

import yaml

PAYLOADS = [
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    "<iframe src=\"javascript:alert('xss-iframe')\"></iframe>",
    '<svg onload=alert("xss-svg")>',
    '<a href="https://evil.example/" onclick="alert(\'xss-a\')">evil link</a>',
    '[click](javascript:alert("xss-link"))',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '![img](javascript:alert("xss-md-img"))',
    'x](javascript:alert("xss-break")) [y',
    "<!-- a hidden comment --> after the comment",
    '&lt;script&gt;alert("xss-entity")&lt;/script&gt;',
    "&#60;script&#62;alert('xss-numeric')&#60;/script&#62;",
    "{: onclick=\"alert('xss-attr')\" }",
    "cell | split | attempt",
    "# not a heading",
    "<style>body{display:none}</style>",
    '<form action="https://evil.example/"><input name=x></form>',
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
]
ONE_LINE = " ".join(PAYLOADS)
BLOCK = "\n\n".join(PAYLOADS)
RLO_NAME = "Mallory \u202eredrow\u202c Example"  # displays reversed if the override acts
OWN_LINE = "<b>Mallory's own words</b>, then a megabyte of quoted mail:\n"
BIG_QUOTE_LINE = "> <script>alert('xss-big')</script> a long line of quoted mail, again and again.\n"


def records(big_quote: bool = True) -> dict[str, dict]:
    big = BIG_QUOTE_LINE * (1_000_000 // len(BIG_QUOTE_LINE) + 1) if big_quote else BIG_QUOTE_LINE
    return {
        "events/hostile.yaml": {
            "id": "hostile",
            "name": "Hostile " + ONE_LINE[:200],
            "start": "2030-05-06",
            "end": "2030-05-07",
            "place": '<b onmouseover="alert(1)">x</b>',
            "timezone": "Europe/Prague",
            "url": "https://example.org/a|b(c)**d**{onclick=alert}\\",
            "tracks": [{"id": "mm", "name": '<script>alert("xss-track")</script>'}],
            "rooms": [{"id": "main", "name": '<img src=x onerror=alert("xss-room")>'}],
            "notes": BLOCK,
            "sources": [{"url": "https://example.org/src", "about": ONE_LINE[:300]}],
        },
        "people.yaml": {
            "people": [
                {
                    "id": "mallory",
                    "name": RLO_NAME,
                    "affiliation": '<script>alert("xss-aff")</script>',
                    "affiliation_source": "https://example.org/x",
                },
                {"id": "eve", "name": '<img src=x onerror=alert("xss-name")>'},
            ]
        },
        "questions.yaml": {
            "questions": [
                {
                    "id": "q-hostile",
                    "topic": "hostile-topic",
                    "question": ONE_LINE[:300],
                    "context": BLOCK,
                    "proposals": ["hostile-proposal"],
                    "status": "settled",
                    "resolution": BLOCK,
                    "positions": [
                        {
                            "by": ["mallory", "eve"],
                            "summary": ONE_LINE[:1000],
                            "quotes": ["big", "small"],
                            "sources": [{"url": "https://example.org/s", "about": "<script>alert(2)</script>"}],
                        }
                    ],
                }
            ]
        },
        "topics/hostile-topic.yaml": {
            "id": "hostile-topic",
            "title": '<script>alert("xss-title")</script> x](javascript:alert(1))',
            "tracks": ["mm"],
            "lead": "mallory",
            "message_id": 'a"onmouseover="alert(1)@evil.example',
            "posted": "2030-01-01T12:00:00+01:00",
            "lists": ['<img src=x onerror=alert("xss-list")>'],
            "thread": "hostile-thread",
            "abstract": BLOCK,
            "slot": {"day": "2030-05-06", "start": "09:30", "minutes": 30, "room": "main"},
            "proposals": ["hostile-proposal"],
            "running_order": [
                {
                    "title": ONE_LINE[:300],
                    "minutes": 30,
                    "proposals": ["hostile-proposal"],
                    "questions": ["q-hostile"],
                    "notes": ONE_LINE[:1000],
                }
            ],
            "reading": [{"type": "web", "url": "https://example.org/r", "title": ONE_LINE[:300]}],
            "outcome": {
                "summary": BLOCK,
                "decisions": [
                    {
                        "id": "hostile-decision",
                        "text": ONE_LINE[:1000],
                        "proposals": ["hostile-proposal"],
                        "sources": [{"url": "https://example.org/d?a=(b)", "about": ONE_LINE[:300]}],
                    }
                ],
                "writeups": [{"type": "web", "url": "https://example.org/w", "title": "<b>w</b>"}],
            },
        },
        "proposals/hostile-proposal.yaml": {
            "id": "hostile-proposal",
            "title": '"><script>alert("xss-ptitle")</script>',
            "kind": "series",
            "status": "rfc",
            "status_note": ONE_LINE[:500],
            "status_sources": [{"url": "https://example.org/s?a=(b)&c=**d**{x}", "about": ONE_LINE[:300]}],
            "people": [{"person": "eve", "role": "author"}],
            "summary": BLOCK,
            "links": [
                {
                    "type": "series",
                    "url": "https://example.org/l",
                    "title": ONE_LINE[:300],
                    "version": "<i>v1</i>",
                    "date": "2030-01",
                }
            ],
            "history": [{"date": "2030-01-02", "event": ONE_LINE[:500], "url": "https://example.org/h"}],
            "concerns": [{"by": "mallory", "concern": ONE_LINE[:1000], "url": "https://example.org/c"}],
        },
        "threads/hostile-thread.yaml": {
            "id": "hostile-thread",
            "subject": ONE_LINE[:300],
            "notes": BLOCK,
            "messages": [
                {
                    "message_id": 'a"onmouseover="alert(1)@evil.example',
                    "author": "mallory",
                    "date": "2030-01-01T12:00:00+01:00",
                    "subject": "=?utf-8?q?<script>?=",
                    "note": ONE_LINE[:500],
                    "text": OWN_LINE + big,
                },
                {
                    "message_id": 'reply"onmouseover=alert(1)@evil.example',
                    "author": "eve",
                    "date": "2030-01-02T08:00:00Z",
                    "in_reply_to": 'a"onmouseover="alert(1)@evil.example',
                    "text": BLOCK + "\n" + RLO_NAME,
                },
            ],
            "quotes": [
                {
                    "id": "big",
                    "message": 'a"onmouseover="alert(1)@evil.example',
                    "text": OWN_LINE + big,  # a line of its own: quoted lines alone are not its author's
                    "proposals": ["hostile-proposal"],
                },
                {
                    "id": "small",
                    "message": 'reply"onmouseover=alert(1)@evil.example',
                    "text": BLOCK + "\n" + RLO_NAME,
                    "questions": ["q-hostile"],
                },
            ],
        },
        "attendance.yaml": {  # what intake files from anyone's mail, or a web form's row
            "requests": [
                {
                    "id": "mallory-hostile",
                    "event": "hostile",
                    "person": "mallory",
                    "message_id": 'attend"onmouseover="alert(1)@evil.example',
                    "posted": "2030-01-20",
                    "subject": ONE_LINE[:300],
                    "lists": ['<img src=x onerror=alert("xss-list")>'],
                    "discuss": BLOCK,
                    "topics": ["hostile-topic"],
                    "note": ONE_LINE[:500],
                    "status": "declined",
                },
                {
                    "id": "eve-hostile",
                    "event": "hostile",
                    "person": "eve",
                    "form": ONE_LINE[:300],
                },
            ]
        },
    }


def write_hostile(root: Path, big_quote: bool = True) -> Path:
    for rel, rec in records(big_quote).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(rec, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return root
