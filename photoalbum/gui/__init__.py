"""The PySide6 desktop app: composition root (app.py), main window, models, widgets, dialogs."""
