"""The ASGI entry point uvicorn imports (each worker process builds its own app)."""

from facilitator.web.app import create_app

app = create_app()
