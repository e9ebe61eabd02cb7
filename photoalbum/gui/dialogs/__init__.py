"""Dialogs and full pages: settings, failures, viewer, model setup, errors."""
