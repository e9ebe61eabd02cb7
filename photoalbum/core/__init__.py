"""Headless engine: pure Python, no Qt, no SQLAlchemy."""
