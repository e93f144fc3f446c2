"""The memory a command needs from the machine: the peak of its whole process tree (issue #9).

``ru_maxrss`` gives each process's own peak, at different moments: adding the build's to that of
its largest child (a forked render worker shares most of its pages with the build) over-counts,
and taking either alone under-counts. :class:`TreeMemory` instead
samples, every two seconds, the proportional set size (PSS, ``/proc/PID/smaps_rollup``) of the
process and of every descendant, and keeps the largest sum: memory shared by forked processes is
counted once, split between them. Linux only; elsewhere it records nothing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


@dataclass
class Sample:
    seconds: float  # since sampling started
    total_mb: float
    processes: list[tuple[int, str, float]]  # pid, command name, PSS MiB


@dataclass
class TreeMemory:
    """Samples the PSS of ``pid`` and its descendants every ``interval`` seconds in a thread."""

    pid: int
    interval: float = 2.0
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeMemory:
        if PROC.is_dir():
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak(self) -> Sample | None:
        return max(self.samples, key=lambda s: s.total_mb, default=None)

    def write_tsv(self, path: Path) -> None:
        """One line a sample: seconds, total MiB, then ``name:pid=MiB`` per process."""
        lines = ["seconds\ttotal_mb\tprocesses"]
        for sample in self.samples:
            shown = " ".join(f"{name}:{pid}={mb:.0f}" for pid, name, mb in sample.processes)
            lines.append(f"{sample.seconds:.2f}\t{sample.total_mb:.0f}\t{shown}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.is_set():
            processes = [
                (pid, command_name(pid), mb)
                for pid in process_tree(self.pid)
                if (mb := pss_mb(pid)) is not None
            ]
            if processes:
                total = sum(mb for _, _, mb in processes)
                self.samples.append(Sample(time.perf_counter() - started, total, processes))
            self._stop.wait(self.interval)


def process_tree(root: int) -> list[int]:
    """``root`` and all its living descendants (from each process's parent in /proc/PID/stat)."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone since the listing
        # The command name is in parentheses and may hold spaces: the parent pid follows the ')'.
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def pss_mb(pid: int) -> float | None:
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return None


def command_name(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return "?"
