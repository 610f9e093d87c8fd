"""Shared pytest fixtures."""

# --- SPARQL endpoint fixtures (issue 5): live servers on port 0, backends, data ---
from sparql_fixtures import (  # noqa: F401
    backend_servers,
    endpoint_data,
    live,
    oxi_backend,
    oxigraph_server,
    protocol_trig,
)
# --- end of SPARQL endpoint fixtures ---

# --- pipeline fixtures (issue 3) ---
from kg_fixtures import kg, seed_build, seed_live  # noqa: F401,E402
# --- end of pipeline fixtures ---
