"""Models at run time: registry, prepared-model store, manifest, tokenizer and ONNX encoder."""
