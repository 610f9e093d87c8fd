"""Kunta-KG: the pipeline from municipal plan documents to a validated, reasoned RDF graph.

importers (ingest) -> model (RDF) -> validate (SHACL) -> reason (HermiT) -> publish (dumps).
"""
from .build import BuildReport, build, read_all, validate_all
from .errors import Inconsistent, InputError, InvalidInput, KuntaKGError
from .project import Project
from .version import __version__

__all__ = ["BuildReport", "Inconsistent", "InputError", "InvalidInput", "KuntaKGError", "Project",
           "__version__", "build", "read_all", "validate_all"]
