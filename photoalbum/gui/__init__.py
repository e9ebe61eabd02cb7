"""The PySide6 desktop app: composition root (app.py), main window, controllers, item models, widgets, dialogs."""
