"""Extract candidate memories from conversation turns (rules offline, or a model)."""
