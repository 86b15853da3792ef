"""The senders of import-mbox's mail matched to people (pure): `People` holds the people on
record by address and by name, plus the ones an import adds (`NewPerson`).

- A sender is matched by address. A name alone matches a person only when no address of theirs
  is on record, and then the mail is filed under review: the person gets the address and a
  `review` line (so `check --strict` fails until someone confirms it). gmane's mangled form of a
  known address is matched by name and user name, under review too.
- Any other sender is a new person with a `review` line, its id made from the name or the
  address (`generator.mail.threads.slug`); so is a known name writing from an address not theirs.
- A gmane address ("user-hash@public.gmane.org") is nobody's: it is never written to a person's
  `addresses` (a second import matches the person by name, and people.yaml stays as it is).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.mail.mbox import GMANE
from generator.mail.threads import slug
from generator.records import mailtext
from generator.records.model import Site


@dataclass
class NewPerson:
    id: str
    name: str
    addresses: list[str]
    review: str
    claims: str = ""  # the person whose name it used, from an address not theirs

    def fields(self) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = [("id", self.id), ("name", self.name)]
        if self.addresses:
            out.append(("addresses", list(self.addresses)))
        out.append(("review", self.review))
        if self.claims:
            out.append(("claims", self.claims))
        return out


class People:
    """Existing people by address and by name, plus the ones this import adds.

    A sender is matched by address. A name alone matches a person only when no address of
    theirs is on record, and then files the mail under review: the person gets the address
    and a `review` line (so `check --strict` fails until someone confirms it). A name that
    matches a person whose addresses are on record, from another address, is a new person under
    review: "Roman Gushchin <attacker@evil.example>" is not roman-gushchin. gmane's mangled form
    of a known address ("user-hash@public.gmane.org", its domain hidden) is matched by name and
    user name, under review too. Addresses are compared without case."""

    def __init__(self, site: Site, tool: str = "import-mbox"):
        self.tool = tool  # the command review lines name
        self.ids = set(site.people)
        self.on_record = frozenset(site.people)  # the people before this import
        self.names: dict[str, str] = {pid: p["name"] for pid, p in site.people.items()}
        self.addresses: dict[str, set[str]] = {
            pid: {a.casefold() for a in p["addresses"]} for pid, p in site.people.items()
        }
        self.by_address: dict[str, str] = {}
        self.by_name: dict[str, str | None] = {}
        for pid, person in site.people.items():
            for address in person["addresses"]:
                self.by_address.setdefault(address.casefold(), pid)
            key = mailtext.name_key(person["name"])
            self.by_name[key] = None if key in self.by_name else pid  # two people, one name: no match
        self.keys: dict[str, set[str]] = {pid: set(p.lines) for pid, p in site.people.items()}  # keys written
        self.new: list[NewPerson] = []
        self.added: dict[str, NewPerson] = {}  # the same people, by id
        self.numbered: dict[str, int] = {}  # an id's base -> the number its next id tries
        self.fills: dict[str, tuple[str, str]] = {}  # person on record -> (address, review) to add
        self.notes: list[str] = []  # what the import must say of people already under review

    def find(self, name: str, address: str) -> str | None:
        """Who an attribution line names (a claim that the reply chain then checks)."""
        if address and address.casefold() in self.by_address:
            return self.by_address[address.casefold()]
        key = mailtext.name_key(name)
        return self.by_name.get(key) if key else None

    def is_sender(self, pid: str, name: str, address: str) -> str:
        """How mail from `name <address>` can be by person `pid`: 'address' (one of theirs),
        'name' (their name, and no address of theirs on record), 'gmane' (their name and the
        user name of one of their addresses, mangled by gmane), or '' (it cannot)."""
        known = self.addresses.get(pid, set())
        if address.casefold() in known:
            return "address"
        if not mailtext.names_match(name, self.names.get(pid, "")):
            return ""
        if self.by_address.get(address.casefold(), pid) != pid:
            return ""  # someone else's address
        if not known:
            # An `addresses` key written empty cannot take the address: no match by name then.
            return "" if "addresses" in self.keys.get(pid, set()) else "name"
        gmane = GMANE.fullmatch(address)
        if gmane and any(a.split("@")[0] == gmane.group(1).casefold() for a in known):
            return "gmane"
        return ""

    def review(self, pid: str, how: str, address: str, mid: str) -> None:
        """File mail matched by name alone under review: a person on record gets the address
        (when none of theirs is on record) and a review line, once."""
        if pid in self.fills or how == "address" or pid in self.added:
            return
        gmane = how == "gmane" or bool(GMANE.fullmatch(address))
        if gmane:
            why = f"{self.tool} took {_origin(mid)}, from {address} (gmane hides the domain), as theirs by their name"
        else:
            why = f"{self.tool} took {address} as theirs by their name alone (from {_origin(mid)})"
        review = f"{why}: check that it is theirs, then delete this line"
        if "review" in self.keys.get(pid, set()):
            self.notes.append(f"person '{pid}' already awaits review; {why}: check that too")
        self.fills[pid] = ("" if gmane else address, review[:600])
        if how == "name" and address:
            self.addresses[pid].add(address.casefold())
            self.by_address.setdefault(address.casefold(), pid)

    def sender(self, name: str, address: str, mid: str) -> str:
        """The person a message is filed under: matched by address, else by name when that
        person has no address on record (under review); otherwise a new person, under review."""
        if address and address.casefold() in self.by_address:
            return self.by_address[address.casefold()]
        key = mailtext.name_key(name)
        same_name = self.by_name.get(key) if key else None
        if same_name is not None:
            how = self.is_sender(same_name, name, address)
            if how:
                self.review(same_name, how, address, mid)
                return same_name
            added = self.added.get(same_name)
            if added is not None and address:  # a person this import adds, writing from another address
                if not GMANE.fullmatch(address):
                    added.addresses.append(address)
                self.addresses[added.id].add(address.casefold())
                self.by_address[address.casefold()] = added.id
                return added.id
            review = (
                f"added by {self.tool} as the author of {_origin(mid)}: named as '{same_name}', but from {address}, "
                f"not one of their addresses{_hidden(address)}. If it is them, add it to their addresses, make "
                f"'{same_name}' the author of this person's messages and delete this person; if not, delete this "
                "line (`claims` stays: pages keep saying whose name it used)"
            )
            return self._add(name, address, review, claims=same_name)
        return self.get(name, address, mid)

    def get(self, name: str, address: str, mid: str) -> str:
        found = self.find(name, address)
        if found:
            return found
        review = (
            f"added by {self.tool} as the author of {_origin(mid)}{_hidden(address)}: check the name (and the id: "
            "the thread files name it as author), then delete this line"
        )
        if len(review) > 300:
            review = (
                f"added by {self.tool} as the author of a message{_hidden(address)}: check the name, "
                "then delete this line"
            )
        return self._add(name, address, review)

    def _add(self, name: str, address: str, review: str, claims: str = "") -> str:
        gmane = GMANE.fullmatch(address)
        user = gmane.group(1) if gmane else address.split("@")[0]
        shown = name or user
        shown = shown[:120].strip()
        base = slug(name, 50) or slug(user, 50) or "person"
        n = self.numbered.get(base, 1)  # ids only ever get taken: the numbers tried before stay taken
        pid = base if n == 1 else f"{base}-{n}"
        while pid in self.ids or pid == "index":
            n += 1
            pid = f"{base}-{n}"
        self.numbered[base] = n + 1
        if len(review) > 600:
            review = review[:599] + "\u2026"
        # A gmane address stays in the maps below, for this import only: it is nobody's.
        self.new.append(NewPerson(pid, shown, [address] if address and not gmane else [], review, claims))
        self.added[pid] = self.new[-1]
        self.ids.add(pid)
        self.names[pid] = shown
        self.addresses[pid] = {address.casefold()} if address else set()
        if address:
            self.by_address[address.casefold()] = pid
        key = mailtext.name_key(name)
        if key and key not in self.by_name:
            self.by_name[key] = pid
        return pid


def _hidden(address: str) -> str:
    """What a review line says of a gmane address: it was not recorded, and why."""
    if not GMANE.fullmatch(address):
        return ""
    return f" (from {address}: gmane hid the domain, so no address is on record; add theirs)"


def _origin(mid: str) -> str:
    """A message as review lines name it: <Message-ID>, or a web form's row as it is."""
    return f"<{mid}>" if "@" in mid else mid
