"""`kuntakg draft`: a town's own plan file (DOCX, PDF, XLSX or text) -> a draft in the import format.

extract_*  the original -> the extracted text in one layout (layout.py), written to data/sources/
structure  the text -> tables, key-value blocks, lists and headings -> recognised items (lexicon.py)
targets    target wording -> numbers; parties: responsible cells -> organisations, posts, people
emit       the items -> an import-format folder (CSV files or one workbook)
review     SHACL gate and coverage audit on the draft: the reviewer's to-do list
check      `kuntakg build` refuses documents that still carry DRAFT: notes
"""
from __future__ import annotations

from .errors import DraftError

__all__ = ["DraftError"]
