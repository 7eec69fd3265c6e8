"""The pairing network of a period laid out for SVG: districts on a circle, pairings as edges."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from output.digest import PairKey

WIDTH = 800
HEIGHT = 560
MAX_NODES = 36


@dataclass(frozen=True)
class Node:
    code: str
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor: start | middle | end
    degree: int


@dataclass(frozen=True)
class Edge:
    key: PairKey
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    count: int


@dataclass(frozen=True)
class Network:
    nodes: list[Node]
    edges: list[Edge]
    omitted: int  # places left out of the picture (all are in the table)
    width: int = WIDTH
    height: int = HEIGHT


def layout(edges: list[tuple[PairKey, int]]) -> Network:
    """A deterministic circular layout: nodes ordered by their province/city code, so that
    neighbours on the map tend to be neighbours on the circle; node size by degree."""
    degree: Counter[str] = Counter()
    for key, count in edges:
        for code in key:
            degree[code] += count
    kept = sorted(sorted(degree, key=lambda c: (-degree[c], c))[:MAX_NODES])
    omitted = len(degree) - len(kept)
    if not kept:
        return Network([], [], 0)
    cx, cy = WIDTH / 2, HEIGHT / 2
    radius = min(cx, cy) - 90
    top = max(degree.values())
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    for i, code in enumerate(kept):
        angle = -math.pi / 2 + 2 * math.pi * i / len(kept)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        pos[code] = (x, y)
        r = 5 + 9 * math.sqrt(degree[code] / top)
        dx, dy = math.cos(angle), math.sin(angle)
        anchor = "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")
        nodes.append(
            Node(
                code,
                round(x, 1),
                round(y, 1),
                round(r, 1),
                round(x + dx * (r + 6), 1),
                round(y + dy * (r + 6) + (5 if dy > 0.3 else 0 if dy > -0.3 else -2), 1),
                anchor,
                degree[code],
            )
        )
    most = max((c for _, c in edges), default=1)
    lines = []
    for key, count in edges:
        present = [c for c in key if c in pos]
        for a, b in zip(present, present[1:] + present[:1], strict=True):
            if a == b or (len(present) == 2 and a > b):
                continue
            (x1, y1), (x2, y2) = pos[a], pos[b]
            width = 1.5 + 4.5 * count / most
            lines.append(
                Edge(
                    key,
                    round(x1, 1),
                    round(y1, 1),
                    round(x2, 1),
                    round(y2, 1),
                    round(width, 1),
                    count,
                )
            )
    return Network(nodes, lines, omitted)
