"""The write-up draft of a session, from its records: who led, what was proposed (each proposal
with its newest posting), the positions taken with the verified quotes behind them, the
outcome and its decisions, the questions left open, and the earlier sessions it continues.
Pure: reads the Site; the templates writeup*.j2 lay it out as a page and as plain text.

Only verified quotes are quoted (`mailrules.verify_quotes`): a position whose quote is not
verified keeps its summary and says how many quotes were left out, never their words.
"""

from __future__ import annotations

from typing import Any

from generator.pages import followup
from generator.records import schema as S
from generator.records.model import Site

# The links that are postings of the work (what "its newest posting" may be).
POSTING_TYPES = ("series", "patch", "lore")


def newest_posting(site: Site, pid: str, until: str) -> dict[str, Any] | None:
    """A proposal's newest posting by the day `until` (a session's: what its room discussed,
    whenever the draft is made): of its dated links of a series, a patch or a lore thread and of
    the versions its series' mail on record shows, the latest; else its first link of those
    kinds that is undated, else None. Each as {title, url, version, date}."""
    p = site.proposals[pid]
    found = [
        {"title": lk["title"] or lk["url"], "url": lk["url"], "version": lk["version"], "date": str(lk["date"])}
        for lk in p["links"]
        if lk["type"] in POSTING_TYPES and lk["date"]
    ]
    for v in site.revisions_of_proposal.get(pid, []):
        if v["date"] is not None and not v["stranger"]:
            day = v["date"].date().isoformat()
            found.append(
                {"title": v["title"], "url": followup.lore(v["message_id"]), "version": v["label"], "date": day}
            )
    found = [f for f in found if S.first_day(f["date"]) <= until]
    if found:
        return max(found, key=lambda f: (S.last_day(f["date"]), f["date"]))
    undated = [lk for lk in p["links"] if lk["type"] in POSTING_TYPES]
    if not undated:
        return None
    lk = undated[0]
    return {"title": lk["title"] or lk["url"], "url": lk["url"], "version": lk["version"], "date": None}


def positions(site: Site, question: Any) -> list[dict[str, Any]]:
    """A question's positions as a write-up gives them: each with the verified quotes behind it
    and how many of its quotes are left out (not verified)."""
    out = []
    for pos in question["positions"]:
        quotes = [site.quotes[qid] for qid in pos["quotes"]]
        shown = [q for q in quotes if q["verified"]]
        out.append({"position": pos, "quotes": shown, "left_out": len(quotes) - len(shown)})
    return out
