"""Where everything lives: the data files, the generated pages and their URLs, the marker that
tells a generated file from a hand-written one, the folders the generator owns. Constants and
pure functions of paths only; every other module asks here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

GENERATOR = "lsfmm-prep"

# ---------------------------------------------------------------------------------- ids

# An id names a file (data/topics/<id>.yaml, docs/topics/<id>.md) and a URL, so it is a slug.
ID_RE = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MAX_ID = 80
RESERVED_IDS = ("index",)  # names a section's own page (topics/index.md)
NEW_KINDS = ("topic", "proposal", "question", "person", "event")  # what `new` makes a stub of


def is_id(text: str) -> bool:
    """Whether `text` may be an id (the schema says why not, with the place)."""
    return bool(re.fullmatch(ID_RE, text)) and len(text) <= MAX_ID and text not in RESERVED_IDS


# ---------------------------------------------------------------------------------- data/


@dataclass(frozen=True)
class DataPlace:
    """A record file, or a folder of one-record files named after their ids."""

    path: str  # relative to the data folder
    kind: str  # the schema's name for what the file holds (generator.records.schema.SPECS)
    folder: bool
    schema: str  # its JSON Schema: docs/schemas/<schema>.schema.json
    optional: bool = False  # a file that a data set may leave out


DATA_PLACES = (
    DataPlace("events", "event", True, "event"),
    DataPlace("people.yaml", "people file", False, "people"),
    DataPlace("questions.yaml", "questions file", False, "questions"),
    DataPlace("topics", "topic", True, "topic"),
    DataPlace("proposals", "proposal", True, "proposal"),
    DataPlace("threads", "thread", True, "thread"),
    DataPlace("attendance.yaml", "attendance file", False, "attendance", optional=True),
    DataPlace("releases", "releases file", True, "releases", optional=True),
)
RECORD_SUFFIX = ".yaml"
# Where the one event of a data set lived before there could be several: `check` says to move it.
OLD_EVENT_FILE = "event.yaml"
# What import-mbox may create or extend, relative to the data folder.
IMPORT_PLACES = ("people.yaml", "threads/")
# What intake may create or extend besides those.
INTAKE_PLACES = ("topics/", "attendance.yaml")
# What the calendars last showed of each session (generator.exports.history): written by the build,
# committed with the data.
HISTORY_FILE = "calendar-history.yaml"
SCHEMA_FOLDER = "docs/schemas"  # relative to the repository; published as schemas/
# What editors keep beside a file being edited (backups, autosaves, lock and swap files): never
# data, so never read, and no "unexpected file" either.
EDITOR_FILES = ("*~", "#*#", ".#*", "*.swp")


def editor_file(name: str) -> bool:
    """Whether a file name is one of EDITOR_FILES (Emacs: x.yaml~, #x.yaml#, .#x.yaml; vim:
    .x.yaml.swp)."""
    return name.endswith(("~", ".swp")) or name.startswith(".#") or (len(name) > 1 and name[0] == name[-1] == "#")


def display_path(path: str) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def source_of(data_dir: str, path: str) -> str:
    """A data file's path as the repository names it (data/...), whatever folder was loaded;
    a folder keeps its trailing slash."""
    rel = os.path.relpath(path, data_dir).replace(os.sep, "/")
    folder = "/" if path.endswith("/") and rel != "." else ""
    return "data/" + ("" if rel == "." else rel) + folder


def schema_line(data_path: str) -> str:
    """The first line a data file needs (data_path relative to the repository, e.g.
    data/topics/x.yaml): the editor's pointer to its JSON Schema."""
    parts = data_path.split("/")
    name = next(p.schema for p in DATA_PLACES if p.path == parts[1])
    up = "../" * (len(parts) - 1)
    return f"# yaml-language-server: $schema={up}{SCHEMA_FOLDER}/{name}.schema.json"


# ---------------------------------------------------------------------------------- docs/

# Files and folders (ending in /) under docs/ that belong to the generator; nothing else is
# ever written or deleted there.
GENERATED_PLACES = (
    "index.md",
    "agenda.md",
    "committee.md",
    "schedule.md",
    "changes.md",
    "agenda.ics",
    "releases.atom",
    "data.json",
    "events/",
    "writeups/",
    "topics/",
    "proposals/",
    "questions/",
    "people/",
)
GENERATED_SUFFIXES = (".md", ".ics", ".json", ".xml", ".atom", ".txt")

# Where each kind of record or whole-site page is shown, relative to docs/. The home page, the
# agenda, the committee's page and the calendar at the top are the current event's; every event
# has its own under events/<id>/ too, at addresses that stay when it is no longer current.
INDEX_PAGES = {
    "home": "index.md",
    "agenda": "agenda.md",
    "committee": "committee.md",
    "schedule": "schedule.md",
    "changes": "changes.md",
    "feed": "releases.atom",
    "events": "events/index.md",
    "topics": "topics/index.md",
    "proposals": "proposals/index.md",
    "questions": "questions/index.md",
    "people": "people/index.md",
    "calendar": "agenda.ics",
    "data": "data.json",
    "data-schema": "schemas/data.schema.json",
}


def target(kind: str, rid: str = "", topic: str = "") -> str:
    """The page (and anchor) where a record is shown, relative to the docs folder (a
    question's page is its topic's questions page, a decision's its topic's page: give `topic`)."""
    if kind == "topic":
        return f"topics/{rid}.md"
    if kind == "proposal":
        return f"proposals/{rid}.md"
    if kind == "question":
        return f"questions/{topic}.md#{rid}"
    if kind == "decision":  # a decision of a topic's outcome, on the topic's page
        return f"topics/{topic}.md#{decision_anchor(rid)}"
    if kind == "topic-questions":
        return f"questions/{rid}.md"
    if kind == "proposals-by-status":
        return f"proposals/by-status/{rid}.md"
    if kind == "person":
        return f"people/{rid}.md"
    if kind == "session-calendar":
        return f"topics/{rid}.ics"
    if kind == "person-calendar":
        return f"people/{rid}.ics"
    if kind == "writeup":
        return f"writeups/{rid}.md"
    if kind == "writeup-text":
        return f"writeups/{rid}.txt"
    if kind == "event-writeup":
        return f"events/{rid}/writeup.md"
    if kind == "event-writeup-text":
        return f"events/{rid}/writeup.txt"
    if kind == "event":
        return f"events/{rid}/index.md"
    if kind == "event-agenda":
        return f"events/{rid}/agenda.md"
    if kind == "event-committee":
        return f"events/{rid}/committee.md"
    if kind == "event-schedule":
        return f"events/{rid}/schedule.md"
    if kind == "event-calendar":
        return f"events/{rid}/agenda.ics"
    if kind == "event-changes":
        return f"events/{rid}/changes.md"
    if kind == "event-feed":
        return f"events/{rid}/releases.atom"
    if kind == "event-schedule-xml":
        return f"events/{rid}/schedule.xml"
    if kind == "event-schedule-json":
        return f"events/{rid}/schedule.json"
    return INDEX_PAGES[kind]


def decision_anchor(did: str) -> str:
    """The anchor of a decision on its topic's page: what makes it citable."""
    return f"decision-{did}"


def relative(from_page: str, to: str) -> str:
    """The link from one page to another, both given relative to docs/ (posixpath.relpath,
    without its filesystem work: this runs for every link of every page)."""
    src = from_page.split("/")[:-1]
    dst = to.split("/")
    common = 0
    while common < len(src) and common < len(dst) - 1 and src[common] == dst[common]:
        common += 1
    return "../" * (len(src) - common) + "/".join(dst[common:])


def page_url(target_path: str, directory_urls: bool = True) -> str:
    """A page path under docs/ ('topics/x.md', anchors kept) as MkDocs' URL for it, relative to
    the site root: 'topics/x/' (use_directory_urls, the default) or 'topics/x.html'."""
    path, _, anchor = target_path.partition("#")
    stem = path[: -len(".md")] if path.endswith(".md") else path
    if not path.endswith(".md"):
        url = path
    elif directory_urls:
        url = "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")
    else:
        url = stem + ".html"
    return url + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------- markers

# A generated page says so in its front matter; calendars by their PRODID; data.json by its
# first key; the schedules for apps by the generator they name first (their formats allow no
# other key or element there); a write-up's plain text by its first line. A file without the
# marker is hand-written and never overwritten or deleted.
MARK = f"generated_by: {GENERATOR}"
PRODID = f"-//{GENERATOR}//agenda//EN"
ICS_MARK = f"\r\nPRODID:-//{GENERATOR}//"
JSON_MARK = f'{{\n  "generated_by": "{GENERATOR}",\n'
ATOM_MARK = f"<generator>{GENERATOR}</generator>"  # an Atom feed's, before its entries
SCHEDULE_JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"  # the $schema pretalx names too
SCHEDULE_JSON_MARK = f'{{\n  "$schema": "{SCHEDULE_JSON_SCHEMA}",\n  "generator": {{\n    "name": "{GENERATOR}"'
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
SCHEDULE_XML_MARK = f'{XML_DECLARATION}<schedule>\n  <generator name="{GENERATOR}"'
# A write-up draft as plain text opens with this line, which names its data file and asks to be
# deleted before the text is sent.
TEXT_MARK = f"[{GENERATOR} draft from "
# The comment under a generated page's front matter (and atop a brief's body).
NOTICE = "<!-- Generated by " + GENERATOR + " from {source}. Do not edit: edit the YAML and rebuild. -->"

# ---------------------------------------------------------------------------------- site/

BRIEFS = "briefs"  # the folder of the built site that holds the PDF briefs
# Beside them: which topic each brief is of, and the hash of the brief (HTML) it was made from,
# so that `make site` keeps them and says which are stale.
BRIEF_MANIFEST = "briefs.json"
BRIEF_NAME = re.compile(ID_RE + r"(?:\.letter)?\.pdf")


def brief_files(tid: str) -> dict[str, str]:
    """The PDF files of a topic's brief under site/briefs/, by paper size."""
    return {"a4": f"{tid}.pdf", "letter": f"{tid}.letter.pdf"}


def brief_href(tid: str, paper: str, directory_urls: bool = True) -> str:
    """The link from a built topic page (topics/<id>/ with MkDocs' directory URLs, else
    topics/<id>.html) to its PDF. Raw HTML, since MkDocs would report a Markdown link to a file
    it does not build."""
    return relative(page_url(target("topic", tid), directory_urls), f"{BRIEFS}/{brief_files(tid)[paper]}")


# ---------------------------------------------------------------------------------- work folders

SITE_NEW = ".site-new-"  # MkDocs builds here, beside site/, before the swap
SITE_OLD = ".site-old-"  # the previous site/ during the swap
STAGING = ".lsfmm-staging-"  # changed pages staged under docs/ before they are moved into place
LOCK = ".lsfmm-build.lock"  # beside docs/: one build, site or serve rebuild at a time in a checkout
CACHE_FOLDER = ".lsfmm-cache"  # beside the data folder: what a rebuild can reuse (generator.cache.store)
SITE_STAMP = "search/search_index.json"  # in a built site: written anew by every build, so it tells builds apart
SERVE_STATUS = "lsfmm-serve-status.json"  # in the site serve serves: the last rebuild's problems; never published


def within(real: str, root: str) -> bool:
    """Whether the real path `real` is `root` or inside it (both already real paths)."""
    return os.path.commonpath([real, root]) == root


def loops(real: str, seen: set[str]) -> bool:
    """Whether a linked folder (its real path) was read already or holds one that was: following
    it would read files twice or never end."""
    return any(real == p or p.startswith(real + os.sep) for p in seen)


@dataclass(frozen=True)
class Publish:
    """How pages are addressed on the published site."""

    site_url: str | None = None  # absolute, ending in '/', or None when not configured
    directory_urls: bool = True

    def page_url(self, target: str) -> str:
        """A page path under docs/ ('topics/x.md', anchors kept) as its URL relative to the site root."""
        return page_url(target, self.directory_urls)

    def absolute(self, url: str) -> str | None:
        """A URL relative to the site root made absolute, or None without a site_url."""
        return None if self.site_url is None else self.site_url + url
