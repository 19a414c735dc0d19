"""Progress display for long management commands: tqdm bars on a terminal, plain lines at each
quarter in a log file or a pipe (a bar redrawn with carriage returns is unreadable there)."""

from tqdm import tqdm

QUARTERS = (25, 50, 75, 100)


class StepProgress:
    """Callable ``(label, done)`` that shows one progress display per step."""

    def __init__(
        self,
        stream,
        totals: dict[str, int] | None = None,
        disable: bool = False,
        unit: str = " lignes",
    ):
        self.stream = stream
        self.unit = unit
        self.totals = totals or {}
        self.disable = disable
        isatty = getattr(stream, "isatty", None)
        self.terminal = bool(isatty and isatty())
        self._bars: dict[str, tqdm] = {}
        self._said: dict[str, int] = {}  # step label -> last quarter written (lines mode)

    def __call__(self, label: str, done: int) -> None:
        if self.disable:
            return
        if not self.terminal:
            self._line(label, done)
            return
        bar = self._bars.get(label)
        if bar is None:
            bar = tqdm(
                total=self.totals.get(label),
                desc=label,
                unit=self.unit,
                file=self.stream,
                leave=True,
            )
            self._bars[label] = bar
        bar.update(done - bar.n)

    def _line(self, label: str, done: int) -> None:
        total = self.totals.get(label)
        if label not in self._said:
            self._said[label] = 0
            self.stream.write(f"{label} : début{f' ({total}{self.unit})' if total else ''}\n")
        if not total:
            return
        percent = 100 * min(done, total) // total
        reached = [q for q in QUARTERS if q <= percent and q > self._said[label]]
        if reached:
            self._said[label] = reached[-1]
            self.stream.write(f"{label} : {reached[-1]} % ({done}/{total}{self.unit})\n")
        self.stream.flush()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
