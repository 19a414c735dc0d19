"""Progress display for long management commands (tqdm on the command's output stream)."""

from tqdm import tqdm


class StepProgress:
    """Callable ``(label, done)`` that shows one tqdm bar per step."""

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
        self._bars: dict[str, tqdm] = {}

    def __call__(self, label: str, done: int) -> None:
        bar = self._bars.get(label)
        if bar is None:
            bar = tqdm(
                total=self.totals.get(label),
                desc=label,
                unit=self.unit,
                file=self.stream,
                disable=self.disable,
                leave=True,
            )
            self._bars[label] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
