"""Structure recognition: the extracted text -> items of the import format, by header lexicon and layout.

The text is read as lines of the layout (layout.py; the Markdown-like texts of data/sources/ read the
same way): headings, bold lines, paragraphs, bullets and table rows (tab- or `|`-separated). Tables are
recognised by their header row (cells whose role the lexicon knows), not by their wording:

* wide tables (goal / action / metric / responsible / report columns in any order): each row's cells
  make items; a blank cell left of the row's first filled column continues the row above; goals and
  actions cascade from left to right; a row without a header continues the table above it;
* key-value blocks (`Mittari<TAB>...`, `Toimenpide:<TAB>...`): one record per block, keys by role;
* roadmaps: a header row of years, one row per theme;
* lists under a heading with a role ("Pitkän aikavälin tavoitteet", "Pilots"): one item per bullet;
* prose: under a heading whose first or last word names goals, actions or pilots ("Tavoitteet", "Våra
  mål", "Key actions") each sentence is a candidate item; anywhere, a sentence with a goal cue
  ("tavoitteena on", "vi strävar efter att", "we aim to") is a candidate goal; actions serve the nearest
  goal above them; all with DRAFT notes;
* a plan written as paragraphs (no goal/action table or outline key): every other sentence is read by
  the cue words of prose.py (aims, intentions, plans, done activities, pilots; background skipped);
* a heading, bold line or short paragraph right before a table is its spearhead (theme); a spearhead
  column, if any, names it per row; "Name of the area: X" lines set the organisation.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .headings import OrgSections, drop_empty_themes, spearhead_intro, spearhead_label
from .lexicon import Lexicon, normal
from .metrics import inline_metric, metric_name, number_clause, split_cell
from .model import Draft, Item, clean_label
from .parties import Parties
from .prose import ProseCues, Reading, read_sentence, split_sentences
from .prose import note as prose_note
from .realign import dangling, realign, remember
from .repeats import merge_repeats
from .targets import parse as parse_target

_TAG = re.compile(r"<[^>]+>")
_SEP_CELL = re.compile(r"^[\s:\-–—=]*$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_KV_KEY = re.compile(r"^(?P<key>[^:\t]{2,60}?):\s+(?P<value>\S.{0,600})$")
GOALISH = ("goal", "action", "promise", "pilot")
LEVEL_RANK = {"long-term": 0, "strategic": 1, "key": 2, "responsibility-area": 3, "operational": 4}


@dataclass
class Line:
    n: int
    raw: str
    kind: str  # blank rule heading bold bullet para row sep
    text: str = ""
    cells: list[str] = field(default_factory=list)
    level: int = 0


def read_lines(text: str) -> list[Line]:
    out = []
    for n, raw in enumerate(text.split("\n"), start=1):
        s = raw.strip()
        if not s:
            out.append(Line(n, raw, "blank"))
        elif re.match(r"^(-{3,}|\*{3,}|_{3,})$", s):
            out.append(Line(n, raw, "rule"))
        elif s.startswith("|") or "\t" in raw:
            cells = s.strip("|").split("|") if s.startswith("|") else raw.split("\t")
            cells = [c.strip() for c in cells]
            kind = "sep" if all(_SEP_CELL.match(c) for c in cells) and any(c for c in cells) else "row"
            out.append(Line(n, raw, kind, s, cells))
        elif re.match(r"^#{1,6}\s", s):
            level = len(s) - len(s.lstrip("#"))
            out.append(Line(n, raw, "heading", clean_label(s.lstrip("#")), level=level))
        elif re.match(r"^\*\*.+\*\*\.?$", s):
            out.append(Line(n, raw, "bold", clean_label(s)))
        elif re.match(r"^[-•*]\s+", s):
            out.append(Line(n, raw, "bullet", clean_label(s)))
        else:
            out.append(Line(n, raw, "para", clean_label(s)))
    return out


def fragments(raw: str) -> list[tuple[str, bool]]:
    """A cell's items: (raw text, is_bullet), split at paragraph tags, `<br>` and inline `- ` lists.
    Each raw text is a verbatim substring of the cell (markup outside it), so it can be quoted."""
    out: list[tuple[str, bool]] = []
    for piece in _TAG.split(raw):
        piece = piece.replace("**", "").strip()
        if not re.search(r"[^\W\d_]", piece):
            continue
        if re.match(r"^[-•]\s", piece) or _DASH_RUN.match(piece):
            # a bullet run in one paragraph: "- a - b", "• a • b", "-A -B" (dashes stuck to capitals)
            for sub in re.split(r"\s+[-•]\s+(?=\S)|\s+[-•](?=[A-ZÅÄÖ])", piece[1:].strip()):
                if re.search(r"[^\W\d_]", sub):
                    out.append((sub.strip(), True))
        elif _ENUM.match(piece):
            out += [(part, True) for part in enumerated(piece) if re.search(r"[^\W\d_]", part)]
        else:
            out.append((piece, False))
    return out


_DASH_RUN = re.compile(r"^[-•](?=[A-ZÅÄÖ]).*\s[-•][A-ZÅÄÖ]")
_ENUM = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=[^\W\d_])")


def enumerated(piece: str) -> list[str]:
    """A numbered list run together in one piece ("1. Avataan perhekeskus. 2. Lisätään kotikäyntejä."):
    its items, at the numbers that follow the first one in order (n, n+1, …); other numbers stay."""
    marks = list(_ENUM.finditer(piece))
    keep, expect = [], int(marks[0].group(1))
    for m in marks:
        if int(m.group(1)) == expect:
            keep.append(m)
            expect += 1
    ends = [m.start() for m in keep[1:]] + [len(piece)]
    return [piece[m.end():end].strip() for m, end in zip(keep, ends, strict=True)]


def double_space_split(raw: str) -> list[str]:
    """Items run together by the extraction, separated by two or more spaces before a capital."""
    parts = re.split(r"\s{2,}(?=[A-ZÅÄÖ])", raw)
    return [p.strip() for p in parts if p.strip()]


@dataclass
class Column:
    role: str | None
    header: str
    level: str = ""
    org: Item | None = None


@dataclass
class Table:
    columns: list[Column]
    header_line: int
    theme: Item | None
    org: Item | None
    carry: dict[int, list[Item]] = field(default_factory=dict)
    carry_theme: Item | None = None
    seen: dict[int, set[str]] = field(default_factory=dict)  # normalised cell texts seen per column
    styles: dict[int, list[str]] = field(default_factory=dict)  # how the item columns' paragraphs begin
    last: list[Item] = field(default_factory=list)  # what the last row's responsible and report cells are about
    last_items: list[Item] = field(default_factory=list)  # ... and what its metric cells measure


class Recogniser:
    def __init__(self, text: str, file: str, lang: str, lexicon: Lexicon):
        self.lines = read_lines(text)
        self.lex = lexicon
        self.draft = Draft(file, lang)
        self.parties = Parties(self.draft, lexicon)
        self._report_cues = lexicon.cue_patterns("report_cues") if "report_cues" in lexicon.data else []
        self.spearhead_list: Item | None = None  # the theme a paragraph "… painopisteet ovat:" introduced
        self.org_sections = OrgSections(lexicon)  # numbered sections whose subsections are organisations
        self.org: Item | None = None  # organisation context
        self.theme_candidate: tuple[str, int] | None = None
        self.list_role: tuple[str, str, int] | None = None  # (role, level, heading line) for bullets
        self.table: Table | None = None
        self.reports: dict[str, Item] = {}
        self.roadmap: tuple[Item, list[tuple[int, str]]] | None = None
        self._n = 0  # line of the table being read
        self.outline_theme: Item | None = None  # outline layout ("Tavoite 1: …" lines)
        self.outline_goal: Item | None = None
        self.outline_items: list[Item] = []
        self.recognised = 0  # tables, blocks and lists recognised
        # prose: (role, level, heading, heading line, heading depth) of a section a heading names
        self.prose: tuple[str, str, str, int, int] | None = None
        self.text_goal: tuple[Item, int] | None = None  # the last goal read from text, and its section depth
        self.depth = 0  # depth of the last heading (a bold line: 7)
        self.prose_sub: Item | None = None  # an item named by a heading inside a prose section
        # headings enclosing the current line: (text, line, depth, names no role and is not the title)
        self.heads: list[tuple[str, int, int, bool]] = []
        self.topic: tuple[str, int, int, bool] | None = None  # the current heading, if it names no role
        self.prose_topic: tuple[str, int, int, bool] | None = None  # the heading enclosing the prose section
        # a plan in paragraphs (prose.py): every sentence is read by its cue words
        self.prose_cues = ProseCues(lexicon, lang)
        self.narrative = self._is_narrative()
        self.weak_goals: set[int] = set()  # ids of goals read from an intention, not a stated aim
        self.goal_group: list[Item] = []  # the goals listed in one sentence, which later actions serve

    # -- driver -------------------------------------------------------------------------------
    def run(self) -> Draft:
        blocks = self._blocks()
        for kind, lines in blocks:
            if kind == "table":
                self._table_block(lines)
            else:
                self._text_line(lines[0])
        top = str(self.lex.data.get("fallback_top_level", "strategic"))
        for goal in self.draft.of("goals"):
            guessed = [n for n in goal.notes if n.startswith("DRAFT: goal level guessed")]
            if guessed and not any(p.sheet == "goals" for p in goal.refs.get("contributes_to", [])):
                goal.fields["level"] = top
                goal.notes = [n for n in goal.notes if n not in guessed]
                goal.note(f"goal level guessed as '{top}' (no level word in its header, and it serves no "
                          "higher goal)")
        drop_empty_themes(self.draft)
        self.draft.years = sorted({int(y) for ln in self.lines for y in re.findall(r"\b(?:19|20)\d\d\b", ln.raw)})
        return self.draft

    def _blocks(self) -> list[tuple[str, list[Line]]]:
        blocks: list[tuple[str, list[Line]]] = []
        current: list[Line] = []
        for line in self.lines:
            if line.kind in ("row", "sep"):
                current.append(line)
                continue
            if current:
                blocks.append(("table", current))
                current = []
            blocks.append(("line", [line]))
        if current:
            blocks.append(("table", current))
        return blocks

    # -- text lines ---------------------------------------------------------------------------
    def _text_line(self, line: Line) -> None:
        if line.kind in ("blank", "rule"):
            return
        if self.draft.title is None and line.kind in ("heading", "bold", "para") and len(line.text) < 200:
            self.draft.title = (line.text, line.n)
        if line.kind == "bullet":
            self._bullet(line)
            return
        self.spearhead_list = None  # a list of spearheads ends at the next line that is no bullet
        if line.kind in ("heading", "bold"):
            self.list_role = None
            self._section(line)
        text = line.text
        kv = _KV_KEY.match(text)
        if kv and self._org_key(kv["key"]):
            kind = self.lex.org_type(kv["key"]) or self.lex.org_type(kv["value"]) or "unit"
            self.org = self._organisation(kv["value"], kind, line.n)
            self.theme_candidate = None
            return
        if kv and self._outline(kv["key"], kv["value"], line):
            return
        if line.kind == "heading":
            self.outline_goal, self.outline_items = None, []  # a new section ends the outline above
        role = self.lex.role(text) if len(text) < 120 else None
        intro = spearhead_intro(text, self.lex) if line.kind == "para" and role not in (*GOALISH, "metric") else None
        if intro:  # "Strategian painopisteet ovat:" before a list of spearheads
            self.spearhead_list = self._theme(intro, line.n)
            self.spearhead_list.source_text = intro
            self.list_role = None
            return
        if line.kind == "para" and text.endswith(":") and role in (*GOALISH, "metric"):
            self.list_role = (role, self.lex.level(text) or "", line.n)  # "Toimenpiteet:" before a list
            return
        if line.kind == "heading":
            org_kind = self.org_sections.kind(text)
            if org_kind and not role:
                self.org_sections.register(text, org_kind)
                label = re.sub(r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?", "", text)
                words = label.split()
                if len(words) > 1 and self.lex.org_type(words[0]) and not self.lex.org_type(" ".join(words[1:])):
                    label = " ".join(words[1:])
                self.org = self._organisation(label, org_kind, line.n)
                if not self.lex.org_type(text):
                    self.org.note(f"the heading '{text}' names no organisation type; read as a {org_kind} like the "
                                  "other numbered sections beside or above it")
                self.theme_candidate = None  # an organisation's heading is no spearhead
                return
        if line.kind in ("heading", "bold") and (role in GOALISH or role in ("metric", "promise")):
            level = self.lex.level(text) or ""
            self.list_role = (role, level, line.n)
            self.theme_candidate = None
            return
        if line.kind == "para" and len(text.split()) <= 3 and not re.search(r"[.!?]$", text) \
                and self.lex.prose_role(text) and not self._before_table(line):
            self._section(Line(line.n, line.raw, "bold", text))  # "Toimenpiteet" alone: a heading lost its style
            return
        if line.kind == "para" and not self._before_table(line) and self._prose(line):
            self.theme_candidate = None
            return
        if line.kind in ("heading", "bold") or len(text) <= self.lex.layout("heading_max_chars"):
            if not re.search(r"[^\W\d_]{3}", text):
                return
            self.theme_candidate = (text, line.n)
        else:
            self.theme_candidate = None

    # -- prose -------------------------------------------------------------------------------------
    def _section(self, line: Line) -> None:
        """A heading or bold line: opens a prose section if it names goals, actions or pilots; a heading
        that does not, at the depth of the open section or above, closes it (and forgets its goal)."""
        depth = line.level if line.kind == "heading" else 7
        self.depth = depth
        self.prose_sub = None
        outline = _KV_KEY.match(line.text) is not None and self.lex.role(line.text.split(":")[0]) is not None
        role = None if outline else self.lex.prose_role(line.text)  # "Tavoite 1: …" is an outline item
        while self.heads and self.heads[-1][2] >= depth:
            self.heads.pop()
        parent = self.heads[-1] if self.heads else None  # the heading this one stands under
        title = (self.draft.title or ("", 0))[1] == line.n
        # a heading that names no role, no organisation and is not the title is the spearhead of the
        # sections under it
        topical = role is None and not outline and not title and not self.org_sections.kind(line.text)
        self.heads.append((line.text, line.n, depth, topical))
        self.topic = self.heads[-1] if self.heads[-1][3] else None
        if role is not None:
            self.prose = (role, self.lex.level(line.text) or "", line.text, line.n, depth)
            self.prose_topic = parent if parent is not None and parent[3] else None
            return
        if self.prose is not None and depth <= self.prose[4]:
            self.prose = None
        if self.text_goal is not None and depth <= self.text_goal[1]:
            self.text_goal = None
        if self.prose is not None and not outline and re.search(r"[^\W\d_]{3}", line.text):
            # a heading inside the section names one of its items; the paragraphs under it describe it
            section_role, level, heading, heading_line, _ = self.prose
            label = re.sub(r"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?", "", line.text)
            item = self._new_item(section_role, level, label, line.n, source_text=label, theme=self._prose_theme())
            kind = "pilot" if section_role == "pilot" else item.sheet[:-1]
            item.note(f"a heading under the heading '{heading}' (line {heading_line}) read as a {kind}; the "
                      "paragraphs under it are its description")
            self._prose_item(item, section_role, level, label)
            self.prose_sub = item
            self.recognised += 1

    def _prose_theme(self) -> Item | None:
        """The spearhead of an item read from prose: the outline's, else the heading above its section (or
        above the paragraph, outside a section), not the document's title."""
        if self.outline_theme is not None:
            return self.outline_theme
        topic = self.prose_topic if self.prose is not None else self.topic
        if topic is None:
            return None
        theme = self._theme(re.sub(r"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?", "", topic[0]) or topic[0], topic[1])
        theme.note("a heading read as the spearhead of the items drafted from the text under it")
        return theme

    def _before_table(self, line: Line) -> bool:
        """Whether the next non-blank line is a table row (a short paragraph there titles the table)."""
        for nxt in self.lines[line.n:]:
            if nxt.kind != "blank":
                return nxt.kind in ("row", "sep") and len(line.text) <= self.lex.layout("heading_max_chars")
        return False

    def _prose(self, line: Line) -> bool:
        """A paragraph: in a section whose heading names goals, actions or pilots, each sentence is a
        candidate item; anywhere, a sentence with a goal cue ("Tavoitteena on …") is a candidate goal.
        Actions attach to the nearest goal above them. Every such item carries a DRAFT note."""
        raw_line = line.raw.strip()
        if re.fullmatch(r"([*_])[^*_].*\1", raw_line):
            return False  # a paragraph all in italics: guidance of a template, not content
        made = False
        for sentence in split_sentences(raw_line, self.prose_cues):
            sentence = re.sub(r"^(?:\(?\d{1,2}[.)]|[a-z]\))\s+", "", sentence)  # "1. …", "a) …"
            text = clean_label(sentence)
            if len(re.findall(r"[^\W\d_]{2,}", text)) < 3 or text.endswith(":"):
                continue
            cue = self.lex.goal_cue(sentence)
            act = self.lex.goal_cue(sentence, "action_cues") if cue is None and self.text_goal else None
            if cue is not None:
                role, raw = "goal", sentence[cue.end():].rstrip(" .")
            elif act is not None and (self.prose is None or self.prose[0] != "goal"):
                role, raw, cue = "action", sentence[act.end():].rstrip(" ."), act
            elif self.prose_sub is not None:  # the description of the item its heading names
                sub = self.prose_sub
                sub.fields["description"] = f"{sub.fields.get('description', '')} {text}".strip()
                sub.cite(line.n)
                made = True
                continue
            elif self.prose is not None:
                role, raw = self.prose[0], sentence
            elif self.narrative:
                stated = self.text_goal is not None and id(self.text_goal[0]) not in self.weak_goals
                readings = read_sentence(sentence, self.prose_cues, goal_stated=stated)
                if any(r.cue_class == "aims" for r in readings):
                    self.goal_group = []  # a new list of aims
                for reading in readings:
                    self._prose_reading(reading, line.n)
                made = made or bool(readings)
                continue
            else:
                continue
            level = self.prose[1] if self.prose is not None and role == self.prose[0] else ""
            item = self._new_item(role, level, raw, line.n, source_text=raw, theme=self._prose_theme())
            if cue is not None:
                item.label = item.label[:1].upper() + item.label[1:]
                item.note(f"{'a goal' if role == 'goal' else 'an action'} read from a sentence of prose (cue "
                          f"'{cue.group(0).strip(' ,')}'); check it and shorten its label")
            else:
                assert self.prose is not None
                item.note(f"read from prose under the heading '{self.prose[2]}' (line {self.prose[3]}): one "
                          f"sentence, one {'pilot' if role == 'pilot' else item.sheet[:-1]}; check it, join "
                          "sentences that belong together and shorten the label")
            self._prose_item(item, role, level, text)
            made = True
        if made:
            self.recognised += 1
        return made

    def _is_narrative(self) -> bool:
        """Whether the text is a plan in paragraphs: no table header or outline key names goals or actions.
        Where they do, they carry the items and the paragraphs around them are context. (A section under
        a heading that names goals or actions is read as such either way.)"""
        for line in self.lines:
            if line.kind == "row" and self._header(line.cells) is not None:
                return False
            kv = _KV_KEY.match(line.text) if line.kind in ("heading", "bold", "para") else None
            if kv and self.lex.role(kv["key"]) in GOALISH and len(kv["key"].split()) <= 5:
                return False
        return True

    def _prose_reading(self, reading: Reading, line: int) -> None:
        """An item read from a sentence of a plan in paragraphs (prose.py), with a DRAFT note naming its
        cue; the goals one sentence lists are served together by the actions below them."""
        item = self._new_item(reading.role, "", reading.text, line, source_text=reading.text,
                              theme=self._prose_theme())
        item.label = item.label[:1].upper() + item.label[1:]
        item.note(prose_note(reading))
        if reading.role == "goal":
            if reading.cue_class == "intention":
                self.weak_goals.add(id(item))
            if reading.cue_class == "aims":
                self.goal_group.append(item)
        self._prose_item(item, reading.role, "", reading.text)
        self.recognised += 1

    def _prose_item(self, item: Item, role: str, level: str, text: str) -> None:
        """A goal, action or pilot read from prose or a list: goals become the goal that later actions
        serve; actions and pilots serve the nearest goal above them (a DRAFT note says so)."""
        if role == "goal":
            if not level and not any(n.startswith("DRAFT: goal level guessed") for n in item.notes):
                item.note(f"goal level guessed as '{item.fields['level']}' (the text names none)")
            depth = self.prose[4] if self.prose is not None and self.prose[0] == "goal" else self.depth
            self.text_goal = (item, depth)
            return
        if role == "pilot":
            outcome = self.lex.first("pilot_outcomes", text)
            if outcome:
                item.fields["outcome"] = outcome
                item.note(f"pilot outcome '{outcome}' read from cue words")
        if self.outline_goal is None and self.text_goal is not None and not item.refs.get("contributes_to"):
            goal = self.text_goal[0]
            item.ref("contributes_to", *(self.goal_group if goal in self.goal_group else [goal]))
            item.note(f"linked to the nearest goal above it ('{goal.label}', line {goal.lines[0]}); check the link")

    def _outline(self, key: str, value: str, line: Line) -> bool:
        """An outline line "Tavoite 1: …", "Mittari: …", "Vastuu: …" (a heading, bold line or paragraph):
        the key's role makes an item, or applies to the items of the outline above it."""
        words = len(key.split())
        role = self.lex.role(key)
        if role is None or words > (8 if role == "pilot" else 5):
            return False
        n = line.n
        if role == "spearhead":
            self.outline_theme = self._theme(value, n)
            self.theme_candidate = (value, n)  # and of a table that follows
            return True
        theme = self.outline_theme
        if role in GOALISH:
            level = self.lex.level(key) or ""
            parts = [value]
            if role == "pilot" and len(value) < 200:  # "kolme kokeilua: Vankkuri, ALKU ja Perheneuvo"
                conj = "|".join(re.escape(w) for w in self.lex.words("conjunctions"))
                parts = [p.strip(" .") for p in re.split(rf",\s*|\s+(?:{conj})\s+", value) if p.strip(" .")]
            for part in parts:
                start = line.raw.find(part)
                raw = line.raw[start: start + len(part)] if start >= 0 else part
                item = self._new_item(role, level or self.lex.fallback_level, part, n, source_text=raw, theme=theme)
                if role == "goal":
                    if not level:
                        item.note(f"goal level guessed as '{item.fields['level']}' (key '{key}')")
                    above = self.outline_goal
                    if above is not None and LEVEL_RANK.get(above.fields.get("level", ""), 9) < \
                            LEVEL_RANK.get(item.fields.get("level", ""), 9):
                        item.ref("contributes_to", above)
                    else:
                        self.outline_goal = item
                    self.outline_items = [item]
                    if above is not None and item.refs.get("contributes_to"):
                        self.outline_goal = item
                else:
                    if self.outline_goal is not None:
                        item.ref("contributes_to", self.outline_goal)
                    self.outline_items.append(item)
                if role == "pilot":
                    outcome = self.lex.first("pilot_outcomes", line.text)
                    if outcome:
                        item.fields["outcome"] = outcome
                        item.note(f"pilot outcome '{outcome}' read from cue words")
            self.recognised += 1
            self.list_role = ("action", "", n) if role == "goal" else self.list_role
            return True
        items = self.outline_items
        if not items:
            return False
        if role == "metric":
            self._metrics(value, n, items, theme)
        elif role == "target":
            self._target_column(value, n, items)
        elif role == "responsible":
            parties = self.parties.parse(value, n)
            for item in items:
                item.ref("responsible", *parties)
        elif role == "schedule":
            self._schedule(value, items)
        elif role == "report":
            about = [i for i in items if i.sheet != "goals"] or items
            self._assessment(key, n, value, n, about)
        else:
            return False
        return True

    def _org_key(self, key: str) -> bool:
        low = normal(key)
        return bool(self.lex.org_type(low)) and any(k in low for k in self.lex.layout("org_name_keys"))

    def _organisation(self, label: str, kind: str, line: int) -> Item:
        label = clean_label(label).strip(" .:")
        org = self.parties._party("organizations", label, line, label, type=kind)
        return org

    def _bullet(self, line: Line) -> None:
        if self.spearhead_list is not None:
            raw = re.sub(r"^[-•*]\s+", "", line.raw.strip())
            theme = self._theme(spearhead_label(clean_label(raw), self.lex, self.draft.lang), line.n)
            theme.ref("parent", self.spearhead_list)
            theme.fields.setdefault("description", clean_label(raw))
            theme.note(f"a bullet under '{self.spearhead_list.label}' (line {self.spearhead_list.lines[0]}) read as "
                       "a spearhead; its name is the bullet's first words, the bullet its description")
            self.recognised += 1
            return
        if self.list_role is None and self.prose is not None:
            self.list_role = (self.prose[0], self.prose[1], self.prose[3])  # a list in a prose section
        if self.list_role is None:
            return
        role, level, heading = self.list_role
        raw = re.sub(r"^[-•*]\s+", "", line.raw.strip())
        raw = re.sub(r"^\d+\)\s*", "", raw)
        if role == "metric":
            if self.outline_items:
                self._metrics(raw, line.n, self.outline_items, self.outline_theme)
            return
        item = self._new_item(role, level or self.lex.fallback_level, raw, line.n, source_text=raw,
                              theme=self._prose_theme())
        if role in ("action", "pilot") and self.outline_goal is not None:
            item.ref("contributes_to", self.outline_goal)
            self.outline_items.append(item)
        if not level and role == "goal":
            item.note(f"goal level guessed as '{item.fields.get('level')}' (the list heading names none)")
        self._prose_item(item, role, level, raw)
        self.recognised += 1

    # -- items ---------------------------------------------------------------------------------
    def _new_item(self, role: str, level: str, raw: str, line: int, source_text: str = "",
                  theme: Item | None = None, org: Item | None = None, merge: bool = True) -> Item:
        sheet = {"goal": "goals", "action": "actions", "pilot": "actions", "promise": "promises"}[role]
        own_metric = inline_metric(clean_label(raw), self.lex, self.draft.lang)  # "…, mittarina X"
        item = Item(sheet, own_metric[0] if own_metric else clean_label(raw), [line], source_text=source_text.strip())
        if role == "goal":
            item.fields["level"] = level or self.lex.fallback_level
        if role in ("action", "pilot"):
            item.fields["kind"] = "pilot" if role == "pilot" else "action"
        if theme:
            item.ref("theme", theme)
        if org or self.org:
            item.ref("organization", org or self.org)  # type: ignore[arg-type]
        key = f"{role}:{item.fields.get('level', '')}"
        added = self.draft.add(item, merge_key=key if merge else None)
        if added is item:
            self._stated_target(item, own_metric[0] if own_metric else raw, line)
        if own_metric:
            for indicator in self._metrics(own_metric[1], line, [added], theme):
                indicator.note(f"the {sheet[:-1]} names its own metric ('{own_metric[1]}')")
        return added

    def _stated_target(self, item: Item, raw: str, line: int) -> None:
        """A goal or action that states a number ("asukasluku kasvaa 1 % vuodessa", "vähintään yhden
        arvioinnin", "kolmesta kuuteen työntekijään") gets a metric of its own with that target; in an item
        of several sentences, the clause that states the number is the metric's wording."""
        clause = number_clause(raw, self.lex, self.draft.lang)
        raw = clause or raw
        parsed = parse_target(raw, self.lex)
        explicit_unit = parsed.unit and not any("recorded as a count" in n for n in parsed.notes)
        if not parsed.numeric or not (explicit_unit or parsed.comparison in ("at-least", "at-most")
                                      or parsed.baseline_value):
            return
        name = metric_name(clause or item.label, self.lex, self.draft.lang)
        indicator = Item("indicators", name.label, [line], source_text=clause or item.source_text)
        indicator.ref("measures", item)
        indicator.note(f"the {item.sheet[:-1]} states a number; recorded as a metric of its own"
                       + (f", named '{name.label}' after what it measures" if name.how else ""))
        self.draft.add(indicator)
        self._target_for(indicator, raw, line)

    def _theme(self, text: str, line: int) -> Item:
        theme = Item("themes", clean_label(text).strip(), [line])
        return self.draft.add(theme, merge_key="theme")

    # -- tables --------------------------------------------------------------------------------
    def _table_block(self, lines: list[Line]) -> None:
        rows = [ln for ln in lines if ln.kind == "row"]
        if not rows:
            return
        # a header row inside a block starts a new table (two tables printed without a gap)
        starts = [i for i, r in enumerate(rows) if i > 0 and self._header(r.cells) is not None
                  and any(len([c for c in above.cells if c.strip()]) > 1 for above in rows[:i])]
        if starts and not self._is_kv(rows) and not self._is_roadmap(rows[0].cells):
            for a, b in zip([0, *starts], [*starts, len(rows)], strict=True):
                self._one_table(rows[a:b])
            return
        self._one_table(rows)

    def _one_table(self, rows: list[Line]) -> None:
        first = rows[0]
        if self._is_roadmap(first.cells):
            self._roadmap(rows)
            self.theme_candidate = None
            return
        if self._is_kv(rows):
            self._kv_block(rows)
            return
        header = self._header(first.cells)
        if header is None:
            # a title row (one filled cell, e.g. merged over the table) above the header names the spearhead
            for k in (1, 2):
                if k < len(rows) and all(len([c for c in r.cells if c.strip()]) == 1 for r in rows[:k]) \
                        and self._header(rows[k].cells) is not None:
                    title = rows[k - 1]
                    self.theme_candidate = (clean_label(next(c for c in title.cells if c.strip())), title.n)
                    rows, first = rows[k:], rows[k]
                    break
        self._n = first.n
        header = self._header(first.cells, register=True)
        if header is None and self.roadmap is not None and self.theme_candidate is None:
            self._roadmap_rows(rows, *self.roadmap)
            return
        self.roadmap = None
        previous = self.table
        if header is not None:
            theme = self._theme(*self.theme_candidate) if self.theme_candidate else None
            body = rows[1:]
            while body and any(not c.header for c in header) and self._sub_header(body[0].cells):
                header = self._merge_header(header, body[0].cells)
                body = body[1:]
            self.table = Table(header, first.n, theme, self.org)
            if previous is not None and [c.role for c in previous.columns] == [c.role for c in header]:
                # the same header again (a table per section): what its columns held still tells them apart
                self.table.seen, self.table.styles = previous.seen, previous.styles
            self.theme_candidate = None
            self.recognised += 1
        else:
            if self.table is None:
                return  # a table with no header the lexicon knows, and none above to continue
            if self.theme_candidate:
                self.table.theme = self._theme(*self.theme_candidate)
                self.table.carry = {}
                self.table.carry_theme = None
                self.theme_candidate = None
            body = [r for r in rows if any(c for c in r.cells)]
            for i, r in enumerate(body):
                self._wide_row(r, continued=i == 0)
            return
        for r in body:
            if self._section_row(r.cells):
                assert self.table is not None
                text = next(c for c in r.cells if c.strip())
                self.table.theme = self._theme(text, r.n)
                self.table.theme.note("a row with one cell across the table read as a spearhead")
                self.table.carry = {}
                self.table.carry_theme = None
                continue
            self._wide_row(r)

    def _sub_header(self, cells: list[str]) -> bool:
        """A second header row (the levels under a merged 'Tavoitteet' cell, so the first header row has an
        empty cell): short cells only, at least one of them a role or a goal level, none like a sentence."""
        filled = [c for c in cells if c.strip()]
        return bool(filled) and all(len(c) <= 40 for c in filled) and any(
            self.lex.role(c) or self.lex.level(c) for c in filled) \
            and not any(re.search(r"[.!?]$", c.strip()) for c in filled)

    def _merge_header(self, columns: list[Column], cells: list[str]) -> list[Column]:
        out = []
        for i, col in enumerate(columns):
            extra = cells[i].strip() if i < len(cells) else ""
            if not extra:
                out.append(col)
                continue
            group = col.header or next((c.header for c in reversed(columns[:i]) if c.header), "")
            text = f"{group} {extra}".strip()
            role = self.lex.role(extra) or self.lex.role(text) or col.role
            level = (self.lex.level(extra) or self.lex.level(text) or "") if role == "goal" else ""
            out.append(Column(role, text, level, col.org))
        return out

    def _section_row(self, cells: list[str]) -> bool:
        """A row with one short cell and every other cell empty, in a table of three or more columns: a
        spearhead or section title across the table (a merged row)."""
        filled = [i for i, c in enumerate(cells) if c.strip()]
        return len(cells) >= 3 and filled == [0] and len(cells[0]) <= 150

    def _is_roadmap(self, cells: list[str]) -> bool:
        filled = [c for c in cells if c.strip()]
        years = [c for c in filled if _YEAR.match(c.strip())]
        return len(years) >= 3 and len(years) >= self.lex.layout("roadmap_year_share") * len(filled)

    def _is_kv(self, rows: list[Line]) -> bool:
        pairs = [r for r in rows if len([c for c in r.cells if c]) == 2 and r.cells[0]]
        if len(pairs) < max(2, len(rows) // 2 + 1):
            return False
        keyed = [r for r in pairs if self.lex.role(r.cells[0].rstrip(":")) is not None and len(r.cells[0]) < 60]
        return len(keyed) >= max(2, len(pairs) // 2 + 1)

    def _header(self, cells: list[str], register: bool = False) -> list[Column] | None:
        columns = []
        for c in cells:
            role = self.lex.role(c) if c else None
            level = self.lex.level(c) or "" if role == "goal" else ""
            columns.append(Column(role, c, level))
        roles = [c.role for c in columns if c.role]
        if len(roles) < self.lex.layout("header_min_roles") or not any(r in GOALISH for r in roles):
            return None
        last_item_col: Column | None = None
        for col in columns:
            if col.role in GOALISH:
                last_item_col = col
            elif col.role is None and col.header and last_item_col is not None and self.lex.org_type(col.header):
                col.role, col.level = last_item_col.role, last_item_col.level
                if register:
                    col.org = self._organisation(col.header, self.lex.org_type(col.header) or "unit", self._n)
        return columns

    def _wide_row(self, row: Line, continued: bool = False) -> None:
        table = self.table
        assert table is not None
        cols = table.columns
        cells = list(row.cells)
        if not any(cells):
            return
        made = len(self.draft.items)
        placement = realign(cells, [c.role for c in cols], table.seen, self._names_parties, self._report_like,
                            lambda text: self._open_item(text, table) is not None)
        cells, mismatch = placement.cells, bool(placement.reason)
        if placement.carried:
            self._carry_on(placement.carried, row.n, table)
        remember(table.seen, table.styles, cells, [c.role for c in cols])
        goal_cols = [i for i, c in enumerate(cols) if c.role in GOALISH]
        first_filled = next((i for i in goal_cols if cells[i].strip()), None)
        theme = table.theme
        own: dict[int, list[Item]] = {}
        spear = next((i for i, c in enumerate(cols) if c.role == "spearhead"), None)
        if spear is not None:
            if cells[spear].strip():
                table.carry_theme = self._theme(cells[spear], row.n)
            theme = table.carry_theme or theme
            if table.carry_theme is not None:
                header = cols[spear].header
                if header and not table.carry_theme.fields.get("description"):
                    table.carry_theme.fields["description"] = clean_label(header)
                    table.carry_theme.cite(table.header_line)
        for i in goal_cols:
            raw = cells[i]
            if not raw.strip():
                continue
            col = cols[i]
            parent: Item | None = None
            items: list[Item] = []
            frags = fragments(raw)
            if continued and frags and self._wraps(frags[0], table.carry.get(i)):
                wrapped = table.carry[i][-1]
                wrapped.label = clean_label(f"{wrapped.label} {frags[0][0]}")
                wrapped.cite(row.n)
                wrapped.source_text = ""
                wrapped.note("label joined with the text that goes on after a page or table break")
                frags = frags[1:]
                if not frags:
                    continue
            for frag, bullet in frags:
                for part in double_space_split(frag):
                    item = self._new_item(col.role or "goal", col.level or self.lex.fallback_level, part, row.n,
                                          source_text=part, theme=theme, org=col.org or table.org)
                    if col.role == "goal" and not col.level:
                        item.note(f"goal level guessed as '{item.fields['level']}' (column '{col.header}')")
                    if bullet and parent is not None and col.role != "goal":
                        item.ref("contributes_to", parent)
                        item.fields["_sub"] = "1"
                    else:
                        parent = item if not bullet else parent
                    if len(double_space_split(frag)) > 1:
                        item.note("the cell holds several items run together; split at a double space")
                    if mismatch:
                        item.note(placement.reason)
                    items.append(item)
            own[i] = items
        # a blank cell left of the row's first filled item column continues the row above
        context: dict[int, list[Item]] = {}
        for i in goal_cols:
            if i in own:
                context[i] = own[i]
            elif first_filled is not None and i < first_filled and table.carry.get(i):
                context[i] = table.carry[i]
        # cascade: each item column serves the nearest item column to its left
        for i in goal_cols:
            if i not in own:
                continue
            left = [j for j in goal_cols if j < i and context.get(j)]
            if not left:
                continue
            parents = [p for p in context[left[-1]] if not p.fields.get("_sub")]
            for item in own[i]:
                if not item.fields.get("_sub"):
                    item.ref("contributes_to", *parents)
        for i in goal_cols:
            if i in own:
                table.carry[i] = own[i]
            elif first_filled is not None and i > first_filled:
                table.carry.pop(i, None)
        own_items = [it for i in goal_cols for it in own.get(i, []) if not it.fields.get("_sub")]
        row_items = own_items or [it for i in goal_cols for it in context.get(i, [])]
        lowest = self._lowest(own, goal_cols, cols) or self._lowest(context, goal_cols, cols)
        filled = {cols[i].role for i, c in enumerate(cells) if c.strip()}
        continued_report = not lowest and filled == {"report"}
        if not lowest and filled and not filled & {*GOALISH, None, "spearhead"}:
            # a row with no item of its own, only metric, report or responsible cells: about the row above
            lowest = table.last
            row_items = row_items or table.last_items
        if lowest:
            table.last, table.last_items = lowest, row_items
        for i, col in enumerate(cols):
            raw = cells[i]
            if col.role == "report" and raw.strip() and self._names_parties(clean_label(raw), strict=True):
                # a report cell that only names parties reports nothing: they are the row's responsible
                if not any(cells[j].strip() for j, c in enumerate(cols) if c.role == "responsible"):
                    parties = self.parties.parse(raw, row.n)
                    for item in lowest:
                        item.ref("responsible", *parties)
                continue
            if col.role == "metric" and raw.strip():
                self._metrics(raw, row.n, row_items, theme)
            elif col.role == "target" and raw.strip():
                self._target_column(raw, row.n, row_items)
            elif col.role == "responsible" and raw.strip():
                parties = self.parties.parse(raw, row.n)
                for item in lowest:
                    item.ref("responsible", *parties)
            elif col.role == "schedule" and raw.strip():
                years = re.findall(r"\b(?:19|20)\d\d\b", raw)
                for item in own_items:
                    if years:
                        item.fields["period_start"], item.fields["period_end"] = min(years), max(years)
            elif col.role == "report" and lowest and (raw.strip() or own_items):
                # an empty report cell of a row with items of its own: the report says nothing of them
                # (an assessment the cue-word rules read as not reported)
                self._assessment(col.header, table.header_line, raw, row.n, lowest, continued_report)
        if mismatch:  # the metrics, targets and assessments of a realigned row are as uncertain as its items
            for item in self.draft.items[made:]:
                if item.sheet in ("indicators", "targets", "assessments"):
                    item.note(placement.reason)

    def _carry_on(self, text: str, line: int, table: Table) -> None:
        """The first paragraph of a realigned row goes on with the paragraph above it (one cell printed over
        two rows): joined to the latest item of the table whose label breaks off (realign.dangling)."""
        item = self._open_item(text, table)
        if item is None:
            return
        item.label = clean_label(f"{item.label} {text}")
        item.cite(line)
        item.source_text = ""
        item.note("label joined with the paragraph that goes on in the row below it (one cell printed over "
                  "two rows); check the label")

    def _open_item(self, text: str, table: Table) -> Item | None:
        """The latest goal, action or metric of the table whose label breaks off and that `text` goes on
        with."""
        for item in reversed(self.draft.items):
            if item.sheet not in ("goals", "actions", "indicators") or not item.lines:
                continue
            if max(item.lines) < table.header_line:
                break
            if dangling(item.label, text):
                return item
        return None

    def _report_like(self, text: str) -> bool:
        return any(p.search(text) for p in self._report_cues)

    def _names_parties(self, text: str, strict: bool = False) -> bool:
        """Whether a paragraph only names parties: short parts, each begun or ended by a post or an
        organisation word ("chef för X", "X:n päällikkö"; a report sentence that mentions a group is no
        party list), the first and at least two thirds of them so (a misspelt title among them is
        forgiven); strict: all of them, of at most six words each."""
        def edge(piece: str) -> bool:
            words = piece.split()
            return any(self.lex.names_post(w) or self.lex.org_type(w) for w in (words[0], words[-1]))
        pieces = [p for p in self.parties.split(text) if p.split()]
        if not pieces or len(text) >= 200:
            return False
        named = [edge(p) for p in pieces]
        if strict:
            return all(named) and all(len(p.split()) <= 6 for p in pieces)
        return all(len(p.split()) <= 8 for p in pieces) and named[0] and sum(named) >= 2 * len(named) / 3

    @staticmethod
    def _wraps(frag: tuple[str, bool], above: list[Item] | None) -> bool:
        """Whether a cell's first paragraph ends the last item above it (cut by a page or table break)."""
        text, bullet = frag
        if bullet or not above or not re.match(r"^[a-zåäöé]", clean_label(text)):
            return False
        return not re.search(r"[.!?:;]$", above[-1].label) or above[-1].label.endswith("-")

    def _lowest(self, by_col: dict[int, list[Item]], goal_cols: list[int], cols: list[Column]) -> list[Item]:
        """The row's action items, else its lowest goals: what the responsible and report cells are about."""
        actions = [it for i in goal_cols if cols[i].role != "goal" for it in by_col.get(i, [])
                   if not it.fields.get("_sub")]
        goal_idx = [i for i in goal_cols if cols[i].role == "goal" and by_col.get(i)]
        goals = by_col.get(goal_idx[-1], []) if goal_idx else []
        return actions + goals

    def _metrics(self, raw: str, line: int, measured: list[Item], theme: Item | None) -> list[Item]:
        """The metrics of a metric cell, each measuring `measured`, with their targets; returned."""
        out: list[Item] = []
        pieces = [(part, len(split_cell(frag)) > 1) for frag, _ in fragments(raw) for part in split_cell(frag)]
        for frag, several in pieces:
            # a cell that states its target ("X:n määrän nousu 5 %") is named by its metric ("X:n määrä")
            name = metric_name(frag, self.lex, self.draft.lang)
            indicator = Item("indicators", name.label, [line], source_text=frag)
            if name.how:
                indicator.note(f"{name.how}; check the name")
            if several:
                indicator.note("the metric cell holds several metrics; split at a double space or semicolon")
            indicator.ref("measures", *measured)
            if not measured:
                indicator.note("the metric's row names no goal or action; set what it measures")
            # the same wording measuring the same items (a row repeated in another section) is one metric
            # (a metric measuring nothing named is its row's own)
            key = "|".join(str(id(m)) for m in sorted(measured, key=id)) if measured else f"line {line}"
            indicator = self.draft.add(indicator, merge_key=key)
            self._target_for(indicator, frag, line)
            out.append(indicator)
        return out

    def _target_for(self, indicator: Item, text: str, line: int, explicit: bool = False) -> None:
        parsed = parse_target(text, self.lex)
        if not parsed.numeric and not explicit:
            return
        target = Item("targets", indicator.label, [line], source_text=text)
        target.ref("indicator", indicator)
        for name in ("value", "unit", "comparison", "baseline_value", "non_numeric", "per"):
            if getattr(parsed, name):
                target.fields[name] = getattr(parsed, name)
        if parsed.baseline_year:
            target.fields["baseline_start"] = target.fields["baseline_end"] = parsed.baseline_year
        for note in parsed.notes:
            target.note(note)
        if parsed.numeric:
            target.note(f"number read from '{clean_label(text)}': check value, unit and comparison")
        self.draft.add(target)

    def _target_column(self, raw: str, line: int, items: list[Item]) -> None:
        indicators = [i for i in self.draft.of("indicators") if line in i.lines]
        if not indicators:
            indicator = Item("indicators", clean_label(raw), [line], source_text=raw)
            indicator.ref("measures", *items)
            indicator.note("no metric column in this row; the target's wording is used as the metric")
            indicators = [self.draft.add(indicator)]
        for indicator in indicators:
            self._target_for(indicator, raw, line, explicit=True)

    def _report(self, title: str, line: int) -> Item:
        key = re.sub(r"\W+", "", normal(title))
        if key not in self.reports:
            report = Item("reports", clean_label(title), [line])
            m = re.search(self.lex.data["report_period"], title)
            if m:
                year, m1, m2 = int(m["year"]), int(m["m1"]), int(m["m2"])
                if 1 <= m1 <= m2 <= 12:
                    report.fields["period_start"] = f"{year}-{m1:02d}-01"
                    report.fields["period_end"] = f"{year}-{m2:02d}-{calendar.monthrange(year, m2)[1]:02d}"
            elif re.search(r"\b(?:19|20)\d\d\b", title):
                year_s = re.findall(r"\b(?:19|20)\d\d\b", title)[-1]
                report.fields["period_start"] = report.fields["period_end"] = year_s
            self.reports[key] = self.draft.add(report)
        return self.reports[key]

    def _assessment(self, title: str, header_line: int, raw: str, line: int, about: list[Item],
                    continued: bool = False) -> None:
        report = self._report(title, header_line)
        text = " ".join(clean_label(f) for f, _ in fragments(raw)) if raw.strip() else ""
        earlier = next((a for a in reversed(self.draft.of("assessments")) if continued
                        and a.refs.get("report") == [report] and a.refs.get("about") == about), None)
        if earlier is not None:  # the report of the row above goes on: one assessment, both texts
            earlier.fields["text"] = f"{earlier.fields.get('text', '')} {text}".strip()
            earlier.label = earlier.fields["text"]
            earlier.cite(line)
            earlier.source_text = ""
            return
        assessment = Item("assessments", text or f"({report.label}: empty)", [line],
                          source_text=raw.strip() if raw.strip() else "")
        assessment.fields["text"] = text
        assessment.ref("report", report)
        assessment.ref("about", *about)
        key = "|".join(sorted(str(id(a)) for a in about)) + report.label
        self.draft.add(assessment, merge_key=key)

    # -- key-value blocks ------------------------------------------------------------------------
    def _kv_block(self, rows: list[Line]) -> None:
        self.recognised += 1
        record: list[tuple[str, str, str, Line]] = []  # (role, level, value, line)
        for r in rows:
            cells = [c for c in r.cells if c]
            if len(cells) < 2:
                continue
            key, value = cells[0].rstrip(": "), " ".join(cells[1:])
            role = self.lex.role(key)
            if role is None:
                continue
            level = self.lex.level(key) or "" if role == "goal" else ""
            if any(rr == role and lv == level for rr, lv, _, _ in record):
                self._kv_record(record)
                record = []
            record.append((role, level, value, r))
        if record:
            self._kv_record(record)

    def _kv_record(self, record: list[tuple[str, str, str, Line]]) -> None:
        theme = self._theme(*self.theme_candidate) if self.theme_candidate else None
        goals: list[Item] = []
        actions: list[Item] = []
        promises: list[Item] = []
        periods: dict[int, str] = {}
        for role, level, value, line in record:
            if role not in GOALISH:
                continue
            year = re.search(r"\b(?:19|20)\d\d\b", line.cells[0])
            parts = [p for frag, _ in fragments(value) for p in double_space_split(frag)]
            for part in parts:
                item = self._new_item(role, level or self.lex.fallback_level, part, line.n, source_text=part,
                                      theme=theme)
                if len(parts) > len(fragments(value)):
                    item.note("the cell holds several items run together; split at a double space")
                if role == "goal" and not level:
                    item.note(f"goal level guessed as '{item.fields['level']}' (key '{line.cells[0]}')")
                if year:
                    periods[id(item)] = year.group(0)
                (goals if role == "goal" else promises if role == "promise" else actions).append(item)
        year_all = next(iter(periods.values()), "")
        ordered = sorted(goals, key=lambda g: LEVEL_RANK.get(g.fields.get("level", ""), 9))
        for higher, lower in zip(ordered, ordered[1:], strict=False):
            if LEVEL_RANK.get(higher.fields.get("level", ""), 9) < LEVEL_RANK.get(lower.fields.get("level", ""), 9):
                lower.ref("contributes_to", higher)
        bottom = ordered[-1].fields.get("level") if ordered else None
        lowest_goals = [g for g in ordered if g.fields.get("level") == bottom]
        for action in actions:
            action.ref("contributes_to", *lowest_goals)
        doers = actions + lowest_goals + promises
        if year_all:
            for item in doers:
                item.fields.setdefault("period_start", year_all)
                item.fields.setdefault("period_end", year_all)
        for role, _, value, line in record:
            if role == "metric":
                self._metrics(value, line.n, lowest_goals + actions + promises, theme)
            elif role == "target":
                self._target_column(value, line.n, lowest_goals + actions)
            elif role == "responsible":
                parties = self.parties.parse(value, line.n)
                doing = actions + (lowest_goals if len(ordered) < 2 else ordered[1:]) + promises
                for item in doing:
                    item.ref("responsible", *parties)
            elif role == "schedule":
                self._schedule(value, doers)

    @staticmethod
    def _schedule(value: str, items: list) -> None:
        """A schedule cell's years set the items' period: the first and the last year named."""
        years = re.findall(r"\b(?:19|20)\d\d\b", value)
        if years:
            for item in items:
                item.fields["period_start"], item.fields["period_end"] = min(years), max(years)

    # -- roadmaps ----------------------------------------------------------------------------------
    def _roadmap(self, rows: list[Line]) -> None:
        self.recognised += 1
        header = rows[0]
        years = [(i, c.strip()) for i, c in enumerate(header.cells) if _YEAR.match(c.strip())]
        label, line = self.theme_candidate or ("Roadmap", header.n)
        roadmap = Item("roadmaps", clean_label(label), [line, header.n] if line != header.n else [line])
        if self.theme_candidate is None:
            roadmap.note("the roadmap has no title before it; named 'Roadmap'")
        self.draft.add(roadmap)
        self.roadmap = (roadmap, years)
        self._roadmap_rows(rows[1:], roadmap, years)

    def _roadmap_rows(self, rows: list[Line], roadmap: Item, years: list[tuple[int, str]]) -> None:
        for r in rows:
            cells = r.cells
            if not any(cells):
                continue
            theme = self._theme(cells[0], r.n)
            if len(cells) == len(years) + 1:
                pairs = [(year, cells[1 + k]) for k, (_, year) in enumerate(years)]
            else:
                pairs = [(year, cells[k]) for k, (_, year) in enumerate(years) if k < len(cells)]
                theme.note(f"the row has as many cells as years; its first cell is read both as the theme and "
                           f"as the milestone of {years[0][1]}")
            for year, raw in pairs:
                if not raw.strip():
                    continue
                milestone = Item("milestones", clean_label(raw), [r.n], source_text=raw)
                milestone.fields["year"] = year
                milestone.ref("roadmap", roadmap)
                milestone.ref("theme", theme)
                self.draft.add(milestone)


def recognise(text: str, file: str, lang: str, lexicon: Lexicon) -> tuple[Draft, int]:
    """The draft of one extracted text, and how many structures (tables, blocks, lists) were recognised."""
    recogniser = Recogniser(text, file, lang, lexicon)
    draft = recogniser.run()
    merge_repeats(draft)
    return draft, recogniser.recognised
