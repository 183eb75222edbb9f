"""Run every bench/<name>.py that has a main(), or only those named on the command line."""
import importlib
import pkgutil
import sys

import bench


def main(names: list[str]) -> int:
    available = sorted(m.name for m in pkgutil.iter_modules(bench.__path__)
                       if not m.name.startswith("_"))
    for name in names or available:
        if name not in available:
            print(f"no benchmark named {name!r}; there are: {', '.join(available)}")
            return 2
        module = importlib.import_module(f"bench.{name}")
        if callable(getattr(module, "main", None)):
            print(f"== {name} ==", flush=True)
            module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
