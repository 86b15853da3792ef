"""The Site in, pages out: Markdown pages for MkDocs and the HTML of the printable briefs.
Pure: reads the Site and the template files, nothing else.

- `plan(site)` lists every page (`PageSpec`: where it goes, its template, the record it shows)
  without rendering any; `Renderer.page(spec)` renders one. `render_pages` does both.
  Every page goes through `Renderer.page`, which passes the same base context and puts the
  front matter and the generated-file notice on top.
- `render_changed` renders, of every page, only those whose reads changed since the build
  that the `Reuse` it is handed remembers (a fresh `Reuse` remembers none: all are rendered),
  and hands each to the writer as it is made.
- `render_briefs` gives the printable session brief of each topic, as HTML for the PDF engine.

Whatever is computed once and shown on several pages (orders of records, quote blocks, the
sections of the people and questions pages, the rows of the proposals page) goes through
`Site.derive`, keyed by its name and arguments: never through a dictionary of this module's
own, so that a recording view of the Site (`records.view`) sees, for every page, everything
that page shows. What a page shows besides the records (its brief's state) is in
`Site.inputs`, read the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import layout
from generator.cache.reuse import Reuse, sha
from generator.pages import followup, grid, markup, writeup
from generator.pages.queries import Queries, add_minutes, running_order
from generator.records import schedule
from generator.records import schema as S
from generator.records.model import Site
from generator.records.view import RecordedSite

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")

# A brief shows a proposal's key links: postings of the work itself, newest first, at most three.
KEY_LINK_TYPES = ("series", "patch", "lore", "paper", "code", "commit")
MAX_KEY_LINKS = 3
assert set(KEY_LINK_TYPES) <= set(S.LINK_TYPE.values)


def fmt_date(value: Any) -> str:
    """2026-05-04 -> 'Mon 4 May 2026'; partial dates are shown as given."""
    text = str(value)
    if len(text) == 10:
        d = dt.date.fromisoformat(text)
        return f"{d:%a} {d.day} {d:%b %Y}"
    if len(text) == 7:
        d = dt.date.fromisoformat(text + "-01")
        return f"{d:%b %Y}"
    return text


def fmt_when(value: Any) -> str:
    """A time as pages show it, '2026-04-28 16:35 UTC' (records hold UTC); a date alone as given."""
    if value is None:  # a message known only through quotes may have no date on record
        return "date unknown"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def key_links(proposal: Any) -> list[Any]:
    """The links a brief shows for a proposal: postings of the work itself (series, patches,
    lore threads, papers, code, commits), newest first (undated ones last, in data order); when
    there is none, the proposal's first link."""
    own = [link for link in proposal["links"] if link["type"] in KEY_LINK_TYPES]
    if not own:
        return proposal["links"][:1]
    dated = sorted((link for link in own if link["date"]), key=lambda link: str(link["date"]), reverse=True)
    return (dated + [link for link in own if not link["date"]])[:MAX_KEY_LINKS]


def letter_label(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: labels for quotes, apart from the numbers of questions."""
    label = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


# ---------------------------------------------------------------------------------- templates


@functools.cache
def environment(compiled: str | None = None) -> jinja2.Environment:
    """The templates, compiled on first use, once per process (they are part of the code), and
    kept compiled in the folder `compiled` between processes (Jinja checks each against its
    template's source before use). Filters are pure functions of their value."""
    env = jinja2.Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(compiled) if compiled else None,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        auto_reload=False,  # templates do not change while the generator runs
        autoescape=False,  # output is Markdown: escaping is done by the markup filters
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markup.inline,
        h=markup.inline_html,  # the same as HTML, for generated HTML (markup.HTML_START)
        hurl=markup.url_href,
        ahref=markup.href_attr,
        attr=markup.attr,
        url=markup.url,
        lore=markup.lore,
        quote=markup.quote_html,
        markdown=markup.markdown_html,
        text=markup.text,
        code=markup.text_code,
        line=markup.line,
        verbatim=markup.plain,
        plain_text=markup.plain_text,
        href=markup.href,
        first_paragraph=markup.first_paragraph,
        endnotes=markup.endnote_list,
        date=fmt_date,
        when=fmt_when,
        status=S.STATUS.label,
        kindlabel=S.PROPOSAL_KIND.label,
        linklabel=S.LINK_TYPE.label,
        confidence=S.CONFIDENCE.label,
        topickind=S.TOPIC_KIND.label,
        upfirst=lambda text: text[:1].upper() + text[1:],  # |capitalize would make "LWN" "Lwn"
        decision=S.DECISION.label,
        conflict=S.CONFLICT.label,
        extract=lambda key, table: table[key],
    )
    env.globals.update(html_start=markup.HTML_START, html_end=markup.HTML_END)
    return env


# ---------------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageSpec:
    """One page to generate: where it goes, its template, and the record it shows (`kind` and
    `rid`: its title and source come from the record) or, for a page of a whole folder, its
    title and the data it is made from (relative to the data folder)."""

    path: str
    template: str
    kind: str = ""
    rid: str = ""
    title: str = ""
    source: str = ""


# The pages made from a whole folder or file of records.
INDEX_SPECS = {
    "events": PageSpec(layout.INDEX_PAGES["events"], "events.md.j2", title="Events", source="events/"),
    "topics": PageSpec(layout.INDEX_PAGES["topics"], "topics.md.j2", title="Topics", source="topics/"),
    "proposals": PageSpec(layout.INDEX_PAGES["proposals"], "proposals.md.j2", title="Proposals", source="proposals/"),
    "questions": PageSpec(
        layout.INDEX_PAGES["questions"], "questions.md.j2", title="Open questions", source="questions.yaml"
    ),
    "people": PageSpec(layout.INDEX_PAGES["people"], "people.md.j2", title="People", source="people.yaml"),
}


# Each event's pages (its home, agenda and the committee's view), under events/<id>/ and, for
# the current event, at the top of the site: (template, target kind at the top, under events/).
EVENT_PAGES = (
    ("home.md.j2", "home", "event"),
    ("agenda.md.j2", "agenda", "event-agenda"),
    ("committee.md.j2", "committee", "event-committee"),
    ("schedule.md.j2", "schedule", "event-schedule"),
    ("changes.md.j2", "changes", "event-changes"),
)


# Each event's write-up draft, under events/<id>/ only (the current event's too).
WRITEUP_SUMMIT = "writeup_summit.md.j2"


def plan(site: Site) -> list[PageSpec]:
    """Every page of the site, without rendering any."""
    specs = [PageSpec(layout.target(top), template, "event", site.current_event) for template, top, _ in EVENT_PAGES]
    specs.append(INDEX_SPECS["events"])
    for eid in site.events:
        specs += [PageSpec(layout.target(each, eid), template, "event", eid) for template, _, each in EVENT_PAGES]
    specs += [PageSpec(layout.target("event-writeup", eid), WRITEUP_SUMMIT, "event", eid) for eid in site.events]
    specs.append(INDEX_SPECS["topics"])
    specs += [PageSpec(layout.target("topic", tid), "topic.md.j2", "topic", tid) for tid in site.topics]
    specs += [
        PageSpec(layout.target("writeup", tid), "writeup.md.j2", "writeup", tid)
        for tid in site.topics
        if site.on_agenda(site.topics[tid])
    ]
    specs.append(INDEX_SPECS["proposals"])
    specs += [PageSpec(layout.target("proposal", pid), "proposal.md.j2", "proposal", pid) for pid in site.proposals]
    specs += [
        PageSpec(layout.target("proposals-by-status", s), "proposals_status.md.j2", "proposals-by-status", s)
        for s in S.STATUS.values
        if site.proposals_of_status.get(s)
    ]
    specs.append(INDEX_SPECS["questions"])
    asked = {q["topic"] for q in site.questions.values()}
    specs += [
        PageSpec(layout.target("topic-questions", tid), "topic_questions.md.j2", "topic-questions", tid)
        for tid in site.topics
        if tid in asked
    ]
    specs.append(INDEX_SPECS["people"])
    specs += [PageSpec(layout.target("person", pid), "person.md.j2", "person", pid) for pid in site.people]
    return specs


# What a topic page says of its PDF brief (site/briefs/): none, one made from the data as it is
# now, or one made before the topic changed (kept by `make site`, made again by `make pdf`).
BRIEF_STATES = ("current", "stale")


class Renderer(Queries):
    """Renders the pages of one Site. The topics whose PDF briefs are in the site link to them
    (`Site.inputs`, "brief:<topic>": their state, one of BRIEF_STATES). `directory_urls`: how
    MkDocs addresses pages (mkdocs.yml, under the cache's fingerprint), which raw HTML links
    need. `templates_cache`: a folder where Jinja keeps compiled templates, or None."""

    def __init__(self, site: Site, directory_urls: bool = True, templates_cache: str | None = None):
        super().__init__(site)
        self.directory_urls = directory_urls
        self.env = environment(templates_cache)

    def _base(self) -> dict[str, Any]:
        site = self.site
        return {
            "site": site,
            "running_order": running_order,
            "key_links": key_links,
            "source": site.source,
            "end_time": lambda slot: add_minutes(slot["start"], slot["minutes"]),
            "room": self.room,
            "track_names": self.track_names,
            "event_of": lambda t: site.event_of(t["id"]),
            "on_agenda": site.on_agenda,
            "timed": schedule.timed,
            "held": lambda t: S.decision_status(t) == "held",
            "earlier": self.earlier,
            "later": self.later,
            "followups": self.followups,
            "quiet_decisions": self.quiet_decisions,
            "reference_day": lambda eid: followup.reference_day(site.events[eid]),
            "anchor": layout.decision_anchor,
            "timezone": lambda t: site.event_of(t["id"])["timezone"],
            "sessions_of": self.sessions_of,
            "others_of": self.others_of,
            "committee": self.committee,
            "inbox": self.inbox,
            "exact": S.exact,
            "mark": self.mark,
            "post_opening": self.post_opening,
            "grid_days": self.grid_days,
            "releases_of": self.releases_of,
            "unreleased": self.unreleased,
            "slot_text": self.slot_text,
            "track_class": self.track_class,
            "track_name": lambda eid, tr: next(t["name"] for t in site.events[eid]["tracks"] if t["id"] == tr),
            "clock": S.clock_text,
            "nothing_later": grid.NOTHING_LATER,
            "proposal_sessions": self.proposal_sessions,
            "scheduled_of_person": self.scheduled_of_person,
            "person_parts": self.person_parts,
            "questions_of": self.questions_of,
            "quotes_of_topic": self.quotes_of_topic,
            "leads_of": site.leads_of,
            "session_proposals": self.session_proposals,
            "session_questions": self.session_questions,
            "session_threads": self.session_threads,
            "newest_posting": lambda pid, tid: writeup.newest_posting(site, pid, followup.session_day(site, tid)),
            "positions": lambda q: writeup.positions(site, q),
        }

    # ------------------------------------------------------------------ parts of pages

    def person_link(self, page: str, pid: str) -> str:
        person = self.site.people[pid]
        link = f"[{markup.inline(person['name'])}]({layout.relative(page, layout.target('person', pid))})"
        other = person["claims"]
        if other and other in self.site.people:  # mail that used another's name: never read as theirs
            named = markup.inline(self.site.people[other]["name"])
            link += f" (not [{named}]({layout.relative(page, layout.target('person', other))}): used that name)"
        return link

    def href(self, page: str, target: str) -> str:
        """A link for generated HTML from one page to another (both under docs/, the target's
        anchor kept): from this page's URL to the other's, as MkDocs makes them."""
        path, _, anchor = target.partition("#")
        here = layout.page_url(page, self.directory_urls)
        link = layout.relative(here, layout.page_url(path, self.directory_urls)) or "./"
        return link + (f"#{anchor}" if anchor else "")

    def person_anchor(self, page: str, pid: str) -> str:
        """`person_link` as generated HTML."""
        person = self.site.people[pid]
        target = markup.href_attr(self.href(page, layout.target("person", pid)))
        link = f'<a href="{target}">{markup.inline_html(person["name"])}</a>'
        other = person["claims"]
        if other and other in self.site.people:  # mail that used another's name: never read as theirs
            named = markup.inline_html(self.site.people[other]["name"])
            target = markup.href_attr(self.href(page, layout.target("person", other)))
            link += f' (not <a href="{target}">{named}</a>: used that name)'
        return link

    def quote(self, page: str, qid: str) -> str:
        """A quote block as seen from `page` (generated HTML). The template gets the quote and
        `person` alone, so its only link relative to the page is to the people pages: the block
        is rendered once for each way of reaching them (one for every folder of pages)."""
        people = self.href(page, layout.INDEX_PAGES["people"])
        return self.derive(
            "quote",
            people,
            qid,
            make=lambda: self.env.get_template("_quote.md.j2").render(
                q=self.site.quotes[qid], person=lambda pid: self.person_anchor(page, pid)
            ),
        )

    def part(self, base: dict[str, Any], template: str, table: str, rid: str, name: str, **ctx: Any) -> str:
        """A part of a whole-site page (a person's section, a question's section, a proposal's
        row), showing the record `rid` of `table` as `name`: those pages list every record, so
        every edit renders them again, and keeping their parts makes that cost the parts that
        changed. The record is looked up inside, so that its reading is the part's own."""

        def make() -> str:
            rec = getattr(self.site, table)[rid]
            return self.env.get_template(template).render(**base, **{name: rec}, **ctx)

        return self.derive(template, base["page_path"], rid, make=make, keep=True)

    # ------------------------------------------------------------------ pages

    def page(self, spec: PageSpec) -> str:
        """One page: front matter, the generated-file notice, and its template's text."""
        site, path = self.site, spec.path
        ctx: dict[str, Any] = {}
        if spec.kind == "event":
            event = site.events[spec.rid]
            ctx.update(event=event, current=not path.startswith("events/"))
            label = event["short_name"] or event["name"]
            title, source = {
                "home.md.j2": (event["name"], site.source(event.path)),
                "agenda.md.j2": ("Agenda" if ctx["current"] else f"Agenda, {label}", "data/topics/"),
                "committee.md.j2": (
                    "Program committee" if ctx["current"] else f"Program committee, {label}",
                    "data/topics/",
                ),
                "schedule.md.j2": ("Schedule" if ctx["current"] else f"Schedule, {label}", "data/topics/"),
                "changes.md.j2": (
                    "Schedule changes" if ctx["current"] else f"Schedule changes, {label}",
                    "data/topics/",  # what makes the schedule; data/releases/ is written by `release`
                ),
                WRITEUP_SUMMIT: (f"Write-up draft: {label}", "data/topics/"),
            }[spec.template]
        elif spec.kind == "person":
            rec = site.people[spec.rid]
            title, source = rec["name"], site.source(rec.path)
            ctx["p"] = rec
        elif spec.kind == "topic-questions":
            rec = site.topics[spec.rid]
            title, source = f"Questions: {rec['title']}", "data/questions.yaml"
            ctx["t"] = rec
        elif spec.kind == "writeup":
            rec = site.topics[spec.rid]
            title, source = f"Write-up draft: {rec['title']}", site.source(rec.path)
            ctx["topic"] = rec
        elif spec.kind == "proposals-by-status":
            title, source = f"Proposals: {S.STATUS.labels[spec.rid]}", "data/proposals/"
            ctx["status"] = spec.rid
        elif spec.kind:
            rec = (site.topics if spec.kind == "topic" else site.proposals)[spec.rid]
            title, source = rec["title"], site.source(rec.path)
            ctx[spec.kind] = rec
        else:
            title, source = spec.title, "data/" + spec.source

        def link(kind: str, rid: str = "") -> str:
            return layout.relative(path, site.target(kind, rid))

        def href(kind: str, rid: str = "", topic: str = "") -> str:
            """A link for raw HTML: from this page's URL to the other's, as MkDocs makes them
            (a decision's: give its `topic`)."""
            return self.href(path, layout.target(kind, rid, topic) if topic else site.target(kind, rid))

        def record_label(kind: str, rid: str) -> str:
            table = {"topic": site.topics, "proposal": site.proposals, "question": site.questions}
            rec = table[kind][rid]
            return str(rec["question"] if kind == "question" else rec["title"])

        def record(kind: str, rid: str) -> str:
            return f"[{markup.inline(record_label(kind, rid))}]({link(kind, rid)})"

        def record_a(kind: str, rid: str) -> str:
            """`record` as generated HTML."""
            return f'<a href="{markup.href_attr(href(kind, rid))}">{markup.inline_html(record_label(kind, rid))}</a>'

        base: dict[str, Any] = {
            **self._base(),
            "link": link,
            "href": href,
            "brief_state": lambda tid: site.inputs.get(f"brief:{tid}"),
            "brief_href": lambda tid, paper: layout.brief_href(tid, paper, self.directory_urls),
            "person": lambda pid: self.person_link(path, pid),
            "record": record,
            "record_a": record_a,
            "person_a": lambda pid: self.person_anchor(path, pid),
            "page_path": path,
            "topic_order": self.topic_order,
            "topics_of_event": self.topics_of_event,
            "event_order": self.event_order,
            "people_order": self.people_order,
            "status_counts": self.status_counts,
            "event_status_counts": self.event_status_counts,
            "proposals_with_status": self.proposals_with_status,
            "quote": lambda qid: self.quote(path, qid),
        }
        base["person_line"] = lambda p: self.part(base, "_person_line.md.j2", "people", p["id"], "p")
        base["question_block"] = lambda q, m: self.part(base, "_question.md.j2", "questions", q["id"], "q", m=m)
        base["proposal_row"] = lambda p, m: self.part(base, "_proposal_row.md.j2", "proposals", p["id"], "p", m=m)
        body = self.env.get_template(spec.template).render(**base, **ctx)
        return markup.front_matter(title, source) + layout.NOTICE.format(source=source) + "\n\n" + body

    def brief(self, tid: str) -> str:
        """The printable brief of one topic: HTML whose links are numbered endnotes (kept
        between builds by a recording view, which tells whether a PDF made from it is stale)."""
        return self.derive("brief", tid, make=lambda: self._brief(tid), keep=True)

    def _brief(self, tid: str) -> str:
        site = self.site
        topic = site.topics[tid]
        asked = self.session_questions(tid)  # with the topic each comes from (None: its own)
        questions = [q for q, _ in asked]
        quotes = self.quotes_of_topic(tid)
        ctx = {
            **self._base(),
            "event": site.event_of(tid),
            "topic": topic,
            "questions": questions,
            "question_from": {q["id"]: mid for q, mid in asked},
            "quotes": quotes,
            "question_number": {q["id"]: n for n, q in enumerate(questions, 1)},
            "quote_label": {q["id"]: letter_label(n) for n, q in enumerate(quotes)},
        }
        body = self.env.get_template("brief-body.html.j2").render(**ctx)
        body, notes = markup.link_notes(body, lambda target: markup.print_url(target) if target else None)
        notice = layout.NOTICE.format(source=site.source(topic.path))
        return self.env.get_template("brief.html.j2").render(**ctx, body=body, notes=notes, marker=notice)


def writeup_path(kind: str, rid: str) -> str:
    """Where the plain text of a write-up draft goes: a session's ("topic") or a summit's ("event")."""
    return layout.target("writeup-text" if kind == "topic" else "event-writeup-text", rid)


def render_writeup_text(site: Site, publish: layout.Publish, kind: str, rid: str) -> str:
    """A session's ("topic") or a summit's ("event") write-up draft as plain text: lines wrapped
    for mail, each link a numbered note listed at the end, with the addresses of this site's
    pages made absolute under `site_url` (said to be on the site when it is not set).

    A summit's draft holds every session's section (`session` of writeup.txt.j2), each a
    `Site.derive` value of its own, kept with what it read: a rebuild after an edit renders
    again only the sections that show what changed. A section is kept with its notes as
    marks of its own ([1] of the section, [2], ...) and the links they stand for, in the order
    it used them; put in its place, each mark becomes the note of the whole text that its link
    has, or the next number, in the order the section uses them: as if rendered in place."""
    renderer = Renderer(site, publish.directory_urls)
    notes: dict[str, str] = {}  # url -> its note, numbered in the order of first use
    local: list[dict[str, str]] = []  # the notes of the section being rendered (innermost last)

    def note(url: str) -> str:
        if local:
            marks = local[-1]
            try:
                return marks[url]
            except KeyError:
                mark = marks[url] = f"{_MARK}{len(marks)}{_MARK}"
                return mark
        try:
            return notes[url]
        except KeyError:
            mark = notes[url] = f"[{len(notes) + 1}]"
            return mark

    def here(kind: str, rid: str, topic: str = "") -> str:
        target = layout.target(kind, rid, topic) if topic else site.target(kind, rid)
        url = publish.page_url(target)
        return publish.absolute(url) or f"{url} (on this site: set site_url in mkdocs.yml to get its address)"

    def section(render: Callable[[], Any], t: Any, h: str) -> str:
        def make() -> tuple[str, tuple[str, ...]]:
            local.append({})
            try:
                text = str(render())
            finally:
                used = local.pop()
            return text, tuple(used)

        text, used = site.derive(("writeup-section", publish, t["id"], h), make, keep=True)
        marks = [note(url) for url in used]
        return _MARKS.sub(lambda m: marks[int(m.group(1))], text) if marks else text

    rec = site.topics[rid] if kind == "topic" else site.events[rid]
    source = site.source(rec.path) if kind == "topic" else "data/topics/"
    marker = f"{layout.TEXT_MARK}{source}: every claim links its source; check it, then delete this line.]"
    template = _sectioned(renderer.env).get_template("writeup.txt.j2")
    body = template.render(
        **renderer._base(),
        topic=rec if kind == "topic" else None,
        event=rec if kind == "event" else None,
        note=note,
        here=here,
        marker=marker,
        **({_SECTION: section} if kind == "event" else {}),
    )
    body = re.sub(r"\n{3,}", "\n\n", body).rstrip("\n") + "\n"
    links = "".join(f"[{n}] {url}\n" for n, url in enumerate(notes, 1))
    return markup.wrap_plain(body + (f"\nLinks:\n\n{links}" if links else ""))


# A section's own note marks: NUL never reaches a record (the YAML loader refuses it).
_MARK = "\x00"
_MARKS = re.compile(f"{_MARK}([0-9]+){_MARK}")
_SECTION = "lsfmm_section"  # the render's hook for each call of the `session` macro


class _SectionContext(jinja2.runtime.Context):
    """A template context that hands each call of the macro `session` to the render's hook
    (`_SECTION`, when given): the hook renders it, or reuses what an earlier build rendered."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's own signature
        hook = __self.parent.get(_SECTION)
        if hook is not None and isinstance(__obj, jinja2.runtime.Macro) and __obj.name == "session":
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return hook(lambda: __obj(*args, **kwargs), *args)
        return super().call(__obj, *args, **kwargs)


@functools.cache
def _sectioned(env: jinja2.Environment) -> jinja2.Environment:
    """`env` with the context that lets a render take the `session` macro's calls."""
    overlay = env.overlay()
    overlay.context_class = _SectionContext
    return overlay


def render_pages(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """Every generated page of the site, keyed by its path under docs/, with nothing reused."""
    renderer = Renderer(site, directory_urls)
    return {spec.path: renderer.page(spec) for spec in plan(site)}


def render_changed(
    site: Site,
    reuse: Reuse,
    out_dir: str,
    put: Callable[[str, str], None],
    directory_urls: bool = True,
    templates_cache: str | None = None,
) -> tuple[int, set[str]]:
    """Render the pages whose reads changed (or whose file in `out_dir` did), handing each to
    `put(path, text)` as it is made (the writer stages it: no page is kept here); returns how
    many were rendered, and the paths of the pages current on disk as they are. `reuse`
    records what each page reads."""
    renderer = Renderer(RecordedSite(site, reuse), directory_urls, templates_cache)
    rendered = 0
    kept: set[str] = set()
    for spec in plan(site):
        text = reuse.page(
            spec.path,
            spec,
            lambda spec=spec: renderer.page(spec),  # type: ignore[misc]
            lambda sha, spec=spec: _intact(out_dir, spec.path, sha),  # type: ignore[misc]
        )
        if text is None:
            kept.add(spec.path)
        else:
            put(spec.path, text)
            rendered += 1
    return rendered, kept


def _intact(out_dir: str, rel: str, digest: str) -> bool:
    """Whether a page on disk still holds what was written (its SHA-256)."""
    try:
        with open(os.path.join(out_dir, rel), "rb") as fh:
            return sha(fh.read()) == digest
    except OSError:
        return False


def render_briefs(site: Site) -> dict[str, str]:
    """The printable session brief of every topic, as HTML, keyed by topic id."""
    renderer = Renderer(site)
    return {tid: renderer.brief(tid) for tid in sorted(site.topics)}
