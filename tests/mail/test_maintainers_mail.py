"""Mail as maintainers' clients and lists write it: a list's footer is not the author's text,
a 'Last, First' sender is the same person as 'First Last', a bracketed note before a trailer."""

from __future__ import annotations

from generator.mail import mbox
from generator.records import mailtext, series


def parse(headers: str, body: str) -> mbox.Mail:
    raw = f"{headers}Subject: Re: hooks\nDate: Wed, 02 Jan 2030 08:00:00 +0000\nMessage-ID: <m@example.org>\n\n{body}"
    mail = mbox.parse(raw.encode("utf-8"), "t.mbox", 1, 1)
    assert isinstance(mail, mbox.Mail)
    return mail


def test_list_footers_are_not_the_authors_text():
    mailman = (
        "Agreed.\n\n_______________________________________________\nLinux-nvme mailing list\n"
        "Linux-nvme@lists.infradead.org\nhttp://lists.infradead.org/mailman/listinfo/linux-nvme\n"
    )
    vger = (
        'Agreed.\n--\nTo unsubscribe from this list: send the line "unsubscribe linux-fsdevel" in\n'
        "the body of a message to majordomo@vger.kernel.org\nMore majordomo info at  http://vger.kernel.org/majordomo-info.html\n"
    )
    kvack = (
        "Agreed.\n\n--\nTo unsubscribe, send a message with 'unsubscribe linux-mm' in\n"
        "the body to majordomo@kvack.org.  For more info on Linux MM,\nsee: http://www.linux-mm.org/ .\n"
    )
    for body in (mailman, vger, kvack):
        assert parse("From: Ada Lead <ada@example.org>\n", body).text == "Agreed."
    # Words of the author's that merely mention a list stay.
    said = "Agreed.\n\nPlease keep linux-mm in Cc; the mailing list archive has the rest.\n"
    assert parse("From: Ada Lead <ada@example.org>\n", said).text == said.strip()


def test_a_last_first_sender_is_first_last():
    assert parse('From: "Bounine, Alexandre" <alexandre.bounine@example.com>\n', "Hi.").name == "Alexandre Bounine"
    assert parse('From: "Example, Inc" <noreply@example.com>\n', "Hi.").name == "Example, Inc"
    assert mailtext.names_match("Alexandre Bounine", "Alexandre Bounine")


def test_a_bracketed_note_before_a_trailer_is_read():
    assert series.trailers("[Jack Wang] Acked-by: Jack Wang <jinpu.wang@example.com>\n") == [
        ("Acked-by", "Jack Wang", "jinpu.wang@example.com")
    ]
