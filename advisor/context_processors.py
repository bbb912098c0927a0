from django.conf import settings

_LABELS = {
    "database": {"embedded": "embedded PostgreSQL", "external": "PostgreSQL"},
    "broker": {"database": "queue in PostgreSQL", "redis": "Redis"},
    "embedder": {"offline": "offline embedder"},
    "extractor": {"rules": "rules extractor", "llm": "LLM extractor"},
    "composer": {"offline": "offline replies", "model": "chat model"},
    "quotes": {"simulated": "simulated quotes", "yfinance": "live quotes (yfinance)"},
}


def runtime_modes(request):
    """Tell every page which defaults serve, so nobody mistakes a simulation."""
    modes = settings.RUNTIME_MODES
    labels = [
        _LABELS.get(name, {}).get(value, f"{name}: {value}")
        for name, value in modes.items()
    ]
    return {"runtime_modes": modes, "runtime_mode_labels": labels}
