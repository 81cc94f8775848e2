#!/usr/bin/env python3
"""The benchmark and test corpus: long-form essays with notes, quotations and citations.

    python bench/corpus.py OUT --posts N [--words W] [--flavor plain|hugo] [--seed S]

Benchmarks need thousands of posts shaped like a long-form writer's (about 12 KB of
Markdown each) and the citation tests need posts whose every citation Pandoc can check
against a bibliography, so one generator serves both. Each post has YAML front matter
(title, date, slug, tags, summary) and a body of sections: paragraphs with emphasis,
links and an occasional quoted phrase; block quotations, most of them attributed on a
last line starting with an em dash, some with "[sic]"; lists; footnotes; and citations
in Pandoc's forms ([@key], [@key, p. 12], [-@key], @key [p. 3], [see @a; @b]). Beside
the posts, bibliography.bib holds 200 BibTeX entries; a few authors published two works
in one year (Chicago author-date then needs 1998a/1998b) and two authors share a family
name and a year (their initials tell them apart).

Layout: ``plain`` writes OUT/posts/*.md; ``hugo`` writes OUT/content/posts/*.md, the same
posts with two more front-matter lists (``years``, ``months``) that bench/hugo/ uses for
the year and month archives Masthead also makes.

Dates run backwards from the last day of 2025, one post every 13 hours or so, so every
post of any corpus is in the past. The same arguments always give the same bytes: one
seeded random.Random, no clock, no set or hash ordering.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import unicodedata
from pathlib import Path

DEFAULT_SEED = 2026
DEFAULT_WORDS = 1700  # about 12 KB of Markdown a post, on average
NEWEST = dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC)


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GLUE = _split(
    "the a of and to in that it is was for on as with his her they at by this from but "
    "not or had have which one all were we an their there been has when who so would more "
    "if no what can into its than them only other some could these then out first also "
    "after over such most our even where through before both while those under between "
    "because each much every again against since without how very"
)
CONTENT = _split(
    "river harbour letter archive village winter ledger strike mill parish railway market "
    "wages tenant landlord ballot census famine orchard quarry ferry bridge council school "
    "teacher printer pamphlet newspaper editor reader translation memory border migrant "
    "mother daughter brother widow neighbour factory union foreman shift harvest drought "
    "flood levee canal map survey chapel sermon hymn choir fiddle dance kitchen bread salt "
    "coal iron cotton wool linen silk tobacco sugar tea rum debt loan rent court judge "
    "verdict witness petition charter treaty colony empire province city street square "
    "tram station platform journey voyage cargo dock sailor fisherman net lighthouse storm "
    "season spring summer autumn evening morning century decade year generation elders "
    "children story rumour silence voice argument doubt hope grief anger pride shame "
    "labour capital profit price value measure record evidence source account history "
    "telling remembered wrote argued noticed refused carried built drowned crossed sold "
    "bought kept lost found walked waited listened answered counted signed burned copied "
    "old new quiet heavy bitter narrow distant local common public private early late "
    "long brief careful plain strange ordinary familiar northern southern coastal upland"
)
ONSETS = _split("b br d dr f g gr h k l m n p pr r s st t tr v w")
VOWELS = _split("a e i o u ai ea ou")
CODAS = ["", "", "n", "r", "l", "s", "th", "nd", "rt", "m"]
TAGS = _split(
    "archives biography borders cities climate courts craft essays exile farming "
    "harbours labour language letters maps memory migration music newspapers railways "
    "rivers schools translation weather"
)
FAMILIES = _split(
    "Achebe Adeyemi Alvarez Andersen Arendtsen Aziz Baptiste Barros Bauer Bello Bergström "
    "Bhattacharya Bianchi Blackwood Bondarenko Brennan Carvalho Castellanos Chaudhry Chen "
    "Cisneros Cohen Costa Dahl Delacroix Demir Desai Dlamini Dubois Duarte Eriksen Esposito "
    "Falk Farouk Ferreira Fitzgerald Fontaine Fraser Fujita Galloway García Gallagher Greer "
    "Grünewald Gupta Haddad Halvorsen Hartmann Hayashi Herrera Holmberg Horvat Hughes Ibáñez "
    "Iqbal Ivanova Jablonski Jansen Jiménez Kaminski Kapoor Karlsson Kaur Kelleher Khoury "
    "Kimura Kowalczyk Krause Laine Larsen Lefebvre Lindqvist Lombardi Lund MacLeod Malik "
    "Marchetti Mbeki Mendes Moreau Murphy Nakamura Nascimento Ndlovu Nielsen Nkemelu "
    "Nowak Nørgaard Obi Okafor Oliveira Olsen Ortega Osei Papadopoulos Park Pereira Petrov "
    "Quinn Rahman Ramírez Rasmussen Reyes Rinaldi Rossi Šimić Santos Sato Schmidt Sembène "
    "Silva Singh Sokolova Suzuki Svensson Takahashi Tanaka Teixeira Thorne Toivonen Torres "
    "Uchida Valdés Varga Vasquez Vogel Wainwright Walsh Watanabe Weber Whitaker Wiśniewska "
    "Yamamoto Yilmaz Zapata Zhang Zielinski"
)
GIVEN = _split(
    "Ada Agnes Amara Anika Arthur Beatriz Bridget Camille Chidi Clara Dagny Daniel Dora "
    "Edmund Elena Emeka Esther Farida Felix Grace Hana Hugo Ines Isaac Ivo Jonas Julia "
    "Kenji Lars Leila Lucia Malcolm Marek Maya Miriam Nadia Nils Noor Olga Omar Pavel "
    "Priya Rosa Ruth Samuel Selma Simon Tomas Una Vera Viktor Wanjiru Yusuf Zofia"
)
PUBLISHERS = _split(
    "Harbour Press|Estuary Books|Lantern House|Millstone University Press|Northgate|"
    "Quayside Editions|Riverbend Academic|Tidewater Press|Upland Books|Weir and Lock",
    "|",
)
PLACES = _split("Bristol Leeds Cork Lisbon Lyon Toronto Chicago Accra Durban Bergen Adelaide")
DOMAINS = ("example.org", "example.com", "example.net")


def _lexicon(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words and Zipf-like cumulative weights: glue words most often, then topic words,
    then a long tail of invented words, as prose has (a search index sees that shape)."""
    invented: list[str] = []
    seen = set(GLUE) | set(CONTENT)
    while len(invented) < 24_000:
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(1, 3)))
        w += rng.choice(CODAS)
        if w not in seen:
            seen.add(w)
            invented.append(w)
    words = GLUE + CONTENT + invented
    return words, list(itertools.accumulate(1.0 / (rank + 3) for rank in range(len(words))))


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Bibliography:
    """200 sources: keys, their authors' family names (for "As Okafor argues [-@key]")
    and the BibTeX text. (family, year) is unique except in the pairs meant to collide."""

    def __init__(self, rng: random.Random, words: _Words) -> None:
        self.rng, self.words = rng, words
        self.entries: list[tuple[str, str, str]] = []  # key, family of first author, BibTeX
        self.taken: set[tuple[str, int]] = set()  # (family name, year) of every person
        self.keys: set[str] = set()
        names = [(f, rng.choice(GIVEN)) for f in FAMILIES]
        rng.shuffle(names)
        prolific, rest = names[:9], names[9:]
        for person in prolific[:8]:  # two works in one year: 1998a and 1998b
            year = self._year()
            for _ in range(2):
                self._add([person], year, collide=True)
        family = prolific[8][0]  # two authors, one family name, one year
        year = self._year()
        for given in ("Anna", "Teodor"):
            self._add([(family, given)], year, collide=True)
        for corporate in ("{Commission on Inland Waterways}", "{Society of Parish Archivists}"):
            self._add([(corporate, "")], self._year())
        while len(self.entries) < 200:
            count = rng.choices((1, 2, 3, 5), weights=(70, 18, 8, 4))[0]
            self._add(rng.sample(rest, count), self._year())

    def _year(self) -> int:
        return 2024 - int(self.rng.random() ** 1.7 * 135)

    def _add(self, people: list[tuple[str, str]], year: int, collide: bool = False) -> None:
        rng = self.rng
        kind = rng.choices(("book", "article", "incollection", "phdthesis"), (45, 35, 15, 5))[0]
        editor = (rng.choice(FAMILIES), rng.choice(GIVEN)) if kind == "incollection" else None
        names = [f for f, _ in people] + ([editor[0]] if editor else [])
        while not collide and any((f, year) in self.taken for f in names):
            year = self._year()
        self.taken.update((f, year) for f in names)
        family = people[0][0].strip("{}")
        base = _ascii(family.split()[-1]).lower() + str(year)
        key = next(base + s for s in ("", "b", "c", "d") if base + s not in self.keys)
        self.keys.add(key)
        authors = " and ".join(f if f.startswith("{") else f"{f}, {g}" for f, g in people)
        title = self.words.title(3, 8)
        if rng.random() < 0.4:
            title += ": " + self.words.title(2, 6)
        fields = [("author", authors), ("title", title), ("year", str(year))]
        first = rng.randint(1, 300)
        if kind == "book":
            fields += [("publisher", rng.choice(PUBLISHERS)), ("address", rng.choice(PLACES))]
        elif kind == "article":
            journal = f"{self.words.title(1, 2)} {rng.choice(('Review', 'Quarterly', 'Studies'))}"
            fields += [("journal", journal), ("volume", str(rng.randint(1, 80))),
                       ("number", str(rng.randint(1, 4))),
                       ("pages", f"{first}--{first + rng.randint(8, 40)}")]
        elif editor:
            fields += [("editor", f"{editor[0]}, {editor[1]}"),
                       ("booktitle", self.words.title(3, 6)),
                       ("publisher", rng.choice(PUBLISHERS)),
                       ("pages", f"{first}--{first + rng.randint(10, 30)}")]
        else:
            fields += [("school", f"University of {rng.choice(PLACES)}")]
        if rng.random() < 0.15:
            fields.append(("url", f"https://{rng.choice(DOMAINS)}/works/{key}"))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        self.entries.append((key, family, f"@{kind}{{{key},\n{body}\n}}\n"))


class _Words:
    """Text from the lexicon: words drawn in blocks (fast), cut into sentences."""

    def __init__(self, rng: random.Random, lexicon: tuple[list[str], list[float]]) -> None:
        self.rng, (self.lexicon, self.cum) = rng, lexicon
        glue = self.cum[len(GLUE) - 1]
        self.cum_topic = [c - glue for c in self.cum[len(GLUE) :]]
        self.buffer, self.at = [], 0

    def take(self, n: int) -> list[str]:
        if self.at + n > len(self.buffer):
            self.buffer = self.rng.choices(self.lexicon, cum_weights=self.cum, k=8192 + n)
            self.at = 0
        self.at += n
        return self.buffer[self.at - n : self.at]

    def title(self, lo: int, hi: int) -> str:
        """Title Case words, mostly topic words with a few small ones between."""
        rng, glue = self.rng, len(GLUE)
        ws = [w.capitalize() for w in rng.choices(self.lexicon[glue:], cum_weights=self.cum_topic,
                                                  k=rng.randint(lo, hi))]
        for i in range(1, len(ws)):
            if rng.random() < 0.25:
                ws[i] = rng.choice(("of", "and", "the", "in", "on", "for")) + " " + ws[i]
        return " ".join(ws)

    def sentence(self, lo: int = 7, hi: int = 26) -> str:
        rng = self.rng
        ws = self.take(rng.randint(lo, hi))
        n, r = len(ws), rng.random()
        if r < 0.13:
            i, mark = rng.randrange(n), "*" if r < 0.10 else "**"
            ws[i] = f"{mark}{ws[i]}{mark}"
        elif r < 0.19 and n > 4:
            i = rng.randrange(1, n - 3)
            path = "/".join(ws[i : i + 2])
            ws[i] = f"[{ws[i]}"
            ws[i + 1] = f"{ws[i + 1]}](https://{rng.choice(DOMAINS)}/{path}/{rng.randint(1, 999)})"
        elif r < 0.22 and n > 6:
            i = rng.randrange(1, n - 4)
            ws[i], ws[i + 2] = f'"{ws[i]}', f'{ws[i + 2]}"'
        if n > 10 and rng.random() < 0.6:
            i = rng.randrange(3, n - 4)
            ws[i] += ","
        return " ".join(ws)


class _Writer:
    """One corpus: its lexicon, its bibliography and the posts, from one seeded random."""

    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.words = _Words(rng, _lexicon(rng))
        self.bib = _Bibliography(rng, self.words)
        weights = [1.0 / (i + 4) for i in range(len(self.bib.entries))]
        rng.shuffle(weights)  # some sources are favourites, which ones is chance
        self.cum = list(itertools.accumulate(weights))

    def source(self) -> tuple[str, str]:
        key, family, _ = self.rng.choices(self.bib.entries, cum_weights=self.cum)[0]
        return key, family

    def citation(self, sentence: str) -> str:
        """The sentence with a citation in one of Pandoc's forms."""
        rng, (key, family) = self.rng, self.source()
        page = rng.randint(1, 420)
        r = rng.random()
        if r < 0.12:
            return f"As @{key} [p. {page}] puts it, {sentence}"
        if r < 0.24:
            return f"{family} argues [-@{key}, {page}] that {sentence}"
        if r < 0.36:
            other, _ = self.source()
            if other != key:
                return f"{sentence} [see @{key}, pp. {page}--{page + rng.randint(1, 9)}; @{other}]"
        if r < 0.50:
            return f"{sentence} [@{key}]"
        if r < 0.56:
            return f"{sentence} [cf. @{key}, chap. {rng.randint(1, 14)}]"
        return f"{sentence} [@{key}, p. {page}]"

    def paragraph(self, notes: list[str], lo: int = 2, hi: int = 6, cite: bool = False) -> str:
        """Sentences, a few with a citation or a note; with ``cite``, the last cites."""
        rng, out = self.rng, []
        count = rng.randint(lo, hi)
        for k in range(count):
            s, r = self.words.sentence(), rng.random()
            if r < 0.042 or (cite and k == count - 1):
                s = self.citation(s)
            elif r < 0.092:
                n = len(notes) + 1
                note = self.words.sentence(5, 20)
                if rng.random() < 0.25:
                    note = self.citation(note)
                notes.append(f"[^{n}]: {note[0].upper()}{note[1:]}.")
                s += f"[^{n}]"
            end = "?" if rng.random() < 0.06 else "."
            out.append(s[0].upper() + s[1:] + end)
        return " ".join(out)

    def quotation(self, notes: list[str]) -> str:
        rng = self.rng
        paras = [self.paragraph(notes, 1, 3) for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0])]
        if rng.random() < 0.35:  # the writer marks the source's own slip
            words = paras[-1].split(" ")
            i = rng.randrange(len(words) - 1)
            if words[i].isalpha() and words[i + 1][0] not in "[@":
                words[i] += " [sic]"
            paras[-1] = " ".join(words)
        lines = "\n>\n".join("> " + p for p in paras)
        r = rng.random()
        if r < 0.15:
            return lines  # unattributed
        key, family = self.source()
        who = f"{rng.choice(GIVEN)} {family}"
        if r < 0.45:
            return f"{lines}\n> — {who}"  # the dash line ends the last paragraph
        if r < 0.6:
            who += f", [-@{key}, p. {rng.randint(1, 300)}]"
        return f"{lines}\n>\n> — {who}"

    def body(self, target: int) -> str:
        rng, notes, blocks, words, uncited = self.rng, [], [], 0, True
        while words < target:
            r = rng.random()
            if r < 0.06 and blocks and not blocks[-1].startswith("#"):
                hashes = "###" if rng.random() < 0.2 else "##"
                block = f"{hashes} {self.words.title(2, 7)}"
            elif r < 0.14:
                block = self.quotation(notes)
            elif r < 0.19:
                items = [self.words.sentence(3, 14) for _ in range(rng.randint(2, 6))]
                marks = [f"{i}." for i in range(1, 7)] if rng.random() < 0.4 else ["-"] * 6
                block = "\n".join(f"{m} {s[0].upper()}{s[1:]}" for m, s in zip(marks, items, strict=False))
            elif r < 0.2 and len(blocks) > 3:
                block = "* * *"
            else:
                block = self.paragraph(notes, cite=uncited)  # every post cites
                uncited = False
            blocks.append(block)
            words += block.count(" ") + 1
        return "\n\n".join(blocks + notes) + "\n"

    def post(self, i: int, words: int, flavor: str) -> tuple[str, str]:
        rng = self.rng
        title = self.words.title(3, 9)
        slug = "-".join(_ascii(w).lower() for w in title.split()[:7]) + f"-{i}"
        when = NEWEST - dt.timedelta(hours=13 * i, minutes=rng.randint(0, 400))
        tags = sorted(rng.sample(TAGS, rng.choices((1, 2, 3, 4), (3, 4, 2, 1))[0]))
        summary = self.words.sentence(10, 24)
        head = [f"title: {_yaml(title)}", f"date: {when.isoformat()}", f"slug: {slug}",
                f"tags: [{', '.join(tags)}]",
                f"summary: {_yaml(summary[0].upper() + summary[1:] + '.')}"]
        if flavor == "hugo":
            head += [f'years: ["{when:%Y}"]', f'months: ["{when:%Y-%m}"]']
        text = self.body(int(words * rng.uniform(0.6, 1.4)))
        return slug, "---\n" + "\n".join(head) + "\n---\n\n" + text


def write_corpus(out: Path, posts: int, *, words: int | None = None, flavor: str = "plain",
                 seed: int = DEFAULT_SEED) -> None:
    """Write ``posts`` posts and bibliography.bib under ``out``.

    ``words`` is the average length of a post in words (each post is 0.6 to 1.4 times
    it; the default gives about 12 KB of Markdown a post). ``flavor`` is "plain"
    (out/posts/*.md) or "hugo" (out/content/posts/*.md, with year and month lists for
    Hugo's archives). Every citation cites a key of the bibliography. The same arguments
    always write the same bytes, and the first N posts of a larger corpus (same words,
    same seed) are the N posts of the smaller one.
    """
    if flavor not in ("plain", "hugo"):
        raise ValueError(f"flavor must be 'plain' or 'hugo', not {flavor!r}")
    writer = _Writer(seed)
    folder = out / ("content/posts" if flavor == "hugo" else "posts")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(posts):
        slug, text = writer.post(i, words or DEFAULT_WORDS, flavor)
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    bib = "\n".join(entry for _, _, entry in writer.bib.entries)
    (out / "bibliography.bib").write_text(bib, encoding="utf-8")


def source_keys(seed: int = DEFAULT_SEED) -> list[str]:
    """The bibliography's citation keys, in file order (for a bench's hand-made post)."""
    return [key for key, _, _ in _Writer(seed).bib.entries]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write into")
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--words", type=int, default=DEFAULT_WORDS,
                    help="average words a post (default: about 12 KB of Markdown)")
    ap.add_argument("--flavor", choices=["plain", "hugo"], default="plain")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args()
    if a.posts < 0 or a.words < 1:
        ap.error("--posts must be 0 or more and --words at least 1")
    write_corpus(a.out, a.posts, words=a.words, flavor=a.flavor, seed=a.seed)


if __name__ == "__main__":
    main()
