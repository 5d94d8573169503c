"""``python -m kustomize_py`` and the ``kustomize-py`` console script."""

from kustomize_py.cli import main

if __name__ == "__main__":
    main()
