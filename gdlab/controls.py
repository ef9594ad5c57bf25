"""A control of an interactive figure: a name and the values it may take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The keys a control's spec may hold: ``{"values": [...], "fmt": "{:.2f}", "start": 0.5}``.
SPEC_KEYS = ("values", "fmt", "start")


@dataclass(frozen=True)
class Control:
    """One control: its name, the values it offers, how each prints, where it starts.

    ``start`` is one of ``values``; ``start_index`` is its position.
    """

    name: str
    values: tuple
    labels: tuple
    start: Any

    @classmethod
    def make(cls, name: str, spec: Any) -> Control:
        """Build from a sequence of values or a dict with values, fmt and start."""
        if isinstance(spec, Control):
            return spec
        fmt = start = None
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(SPEC_KEYS))
            if unknown:
                raise ValueError(
                    f"control {name!r}: unknown key{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(map(repr, unknown))}; a control's spec takes {', '.join(SPEC_KEYS)}"
                )
            if "values" not in spec:
                raise ValueError(f"control {name!r}: the spec needs 'values'")
            values, fmt, start = spec["values"], spec.get("fmt"), spec.get("start")
        elif isinstance(spec, (str, bytes)) or not hasattr(spec, "__iter__"):
            raise ValueError(
                f"control {name!r}: give a sequence of values or a dict with 'values', not {spec!r}"
            )
        else:
            values = spec
        values = tuple(v.item() if hasattr(v, "item") else v for v in values)
        if not values:
            raise ValueError(f"control {name!r} has no values")
        if fmt is None:
            fmt = "{}" if isinstance(values[0], str) else "{:.3g}"
        labels = tuple(fmt.format(v) for v in values)
        if len(set(labels)) != len(labels):
            raise ValueError(
                f"control {name!r}: two values print the same with {fmt!r}; give a format that tells them apart"
            )
        if start is None:
            start = values[len(values) // 2]
        elif start not in values:
            if isinstance(values[0], str):
                raise ValueError(
                    f"control {name!r}: start {start!r} is not one of its values"
                )
            # The nearest reachable value, so a start between steps still works.
            start = min(values, key=lambda v: abs(v - start))
        return cls(name, values, labels, start)

    @property
    def start_index(self) -> int:
        return self.values.index(self.start)

    @property
    def is_choice(self) -> bool:
        return isinstance(self.values[0], str)
