"""Kunta-KG: the pipeline from municipal plan documents to a validated, reasoned RDF graph.

importers (ingest) -> model (RDF) -> validate (SHACL) -> reason (HermiT) -> publish (dumps).
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kuntakg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

from .build import BuildReport, build, read_all, validate_all  # noqa: E402
from .errors import Inconsistent, InputError, InvalidInput, KuntaKGError  # noqa: E402
from .project import Project  # noqa: E402

__all__ = ["BuildReport", "Inconsistent", "InputError", "InvalidInput", "KuntaKGError", "Project",
           "__version__", "build", "read_all", "validate_all"]
