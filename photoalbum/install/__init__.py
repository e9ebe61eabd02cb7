"""Installing ready-made models without torch: hub downloads, archives, immich's ONNX layout, INT8 checks.

Nothing in this package imports torch, open_clip or transformers (an import-linter contract keeps
it so); the INT8 rule and samples it applies live in ``photoalbum.core.models.int8``.
"""
