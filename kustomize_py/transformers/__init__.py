"""kustomize's builtin transformers, one small module each, pure functions over resources."""
