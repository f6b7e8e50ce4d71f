"""Print the module names for the API reference: every package and module of qca, sim and
experiments (pdoc walks only the submodules a package lists in ``__all__``)."""

import importlib
import pkgutil

for package in ("qca", "sim", "experiments"):
    pkg = importlib.import_module(package)
    listed = set(getattr(pkg, "__all__", ()))
    print(package)
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in listed and not info.name.startswith("_") and info.name != "tutorials":
            print(f"{package}.{info.name}")
