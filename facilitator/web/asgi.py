"""The ASGI entry point uvicorn imports (each worker process builds its own app)."""

import gc

from facilitator.web.app import create_app

app = create_app()

# What is loaded by now (modules, models, templates: ~115,000 objects) lives as long as the
# process. Set aside, the cyclic collector no longer walks it: a full collection, which
# Python starts now and then, took ~80 ms here, and every screen waited for it.
gc.collect()
gc.freeze()
