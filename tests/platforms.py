"""Run the command line as on a system without the POSIX-only parts of Python's library.

Windows has no ``fcntl``, ``resource``, ``os.fork``, CPU affinity or ``SIGSTOP``; macOS has no
CPU affinity. :func:`without_posix` gives an environment for a subprocess whose
``sitecustomize`` removes those names before anything of ours is imported, so the clerk's
commands are tried here as they would start there. :func:`pure_python_yaml` removes libyaml,
for the other way PyYAML may be installed.
"""

from __future__ import annotations

import os
from pathlib import Path

WITHOUT_POSIX = """\
import os, signal, sys
for module in ("fcntl", "resource"):
    sys.modules[module] = None  # import fails as on Windows
for name in ("fork", "forkpty", "sched_getaffinity", "sched_setaffinity"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("SIGSTOP", "SIGCONT"):
    if hasattr(signal, name):
        delattr(signal, name)
"""

WITHOUT_LIBYAML = """\
import sys
sys.modules["yaml._yaml"] = None  # PyYAML then offers only its pure-Python loader
"""


def _with_sitecustomize(folder: Path, code: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(code, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return os.environ | {"PYTHONPATH": path, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


def without_posix(folder: Path) -> dict[str, str]:
    """An environment whose Python lacks fcntl, resource, fork, CPU affinity and SIGSTOP."""
    return _with_sitecustomize(folder, WITHOUT_POSIX)


def pure_python_yaml(folder: Path) -> dict[str, str]:
    """An environment whose PyYAML has no libyaml (no C loader)."""
    return _with_sitecustomize(folder, WITHOUT_LIBYAML)


KILL_AFTER = """\
import os, signal
_function, _needle, _nth = os.environ.pop("DISCLOSURE_TEST_KILL").split("|")
_calls = 0
_original = getattr(os, _function)


def _then_kill(*args, **kwargs):
    global _calls
    result = _original(*args, **kwargs)
    if any(_needle in str(argument) for argument in args):
        _calls += 1
        if _calls == int(_nth):
            os.kill(os.getpid(), signal.SIGKILL)
    return result


setattr(os, _function, _then_kill)
"""


def killed_after(folder: Path, function: str, needle: str, nth: int = 1) -> dict[str, str]:
    """An environment whose Python kills itself (SIGKILL) right after the ``nth`` call of
    ``os.<function>`` with an argument containing ``needle``: a build stopped at an exact step
    of replacing its output, as a power cut or the OOM killer would stop it."""
    env = _with_sitecustomize(folder, KILL_AFTER)
    return env | {"DISCLOSURE_TEST_KILL": f"{function}|{needle}|{nth}"}
