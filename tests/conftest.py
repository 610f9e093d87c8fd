"""Shared pytest fixtures."""
import os

# The apps and servers the tests make do not prepare the stored queries' answers in a background thread
# when they start (server.api.prepare, on by default): a test sees the answers it asks for itself, and
# no thread competes with what it measures. The tests of the preparation turn it on.
os.environ.setdefault("KUNTAKG_API_PREPARE_ANSWERS", "false")

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

# --- linked-data site fixtures (issue 6): app over the seed build, evil data, browser ---
from site_fixtures import (  # noqa: F401,E402
    artifacts,
    browser_type_launch_args,
    evil_app,
    recorded,
    site_app,
    site_client,
    site_url,
)
# --- end of linked-data site fixtures ---

# --- stored-query API and /compare fixtures (issue 7) ---
from api_fixtures import api, api_app, seed_documents  # noqa: F401,E402
# --- end of issue 7 fixtures ---
