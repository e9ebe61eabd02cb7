"""Installing ready-made models without torch: hub downloads, archives, immich's ONNX layout, INT8 checks.

Nothing in this package imports torch, open_clip or transformers (an import-linter contract keeps
it so); it may use the torch-free helpers of ``photoalbum.prepare.quantize`` and ``samples``.
"""
