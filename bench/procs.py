"""Peak resident memory of benchmark child processes (Linux /proc), for bench/run_all.py."""

from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def peak_rss_mb(pid: int) -> dict[int, float]:
    """pid -> peak RSS (VmHWM) in MB, for `pid` and all its descendants still running."""
    peaks, stack = {}, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[current] = int(line.split()[1]) / 1024
        except OSError:
            continue
        stack += _children(current)
    return peaks
