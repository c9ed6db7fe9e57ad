"""Unit names on a figure moved apart so that none covers another (no new dependency).

:func:`amebench.plotting.funnel_plot` names its outliers; several at about the same size
and rate (common in a network of 290 units) had their names drawn over one another.
"""

from __future__ import annotations

from matplotlib.artist import Artist
from matplotlib.patheffects import withStroke

__all__ = ["NAME_HALO", "NAME_OFFSET", "NameSpacer"]

#: Where a unit's name starts from its point: points right, points up.
NAME_OFFSET = (5.0, 4.0)
#: A white edge around each name's letters, so that a name over points of its own colour
#: (outliers crowd together) stays legible.
NAME_HALO = [withStroke(linewidth=2.5, foreground="white")]
#: Points kept free between two names moved apart, and between a name and the axes' edge.
_NAME_GAP = 1.0
#: Width (points) of the line from a moved name to its point.
_LEADER_WIDTH = 0.6
#: Drawn before the names (zorder 3) so that it can move them; its leader lines lie over the
#: control limits (zorder 2) and under the points (3).
_SPACER_ZORDER = 2.5


class NameSpacer(Artist):
    """Move a funnel plot's unit names apart when the figure is drawn; draw their leader lines.

    Measured at draw time, where the names will be drawn: a layout applied after
    :func:`amebench.plotting.funnel_plot` (``tight_layout``, the report's note, a resized
    window) moves the points but not the names' offsets in points, so names set apart at
    plotting time would run together again. Each draw starts from the names' first
    places, so it gives the same places however often the figure is drawn. A name that
    would run past the right edge of the axes is written left of its point; one not moved
    that crosses one of ``lines`` (the control limits, the target) is written below or
    left of its point where it crosses none (:func:`_off_the_lines`). Where names placed
    outwards from the target stand in another order than their points (a full column: the
    highest point's name drawn lowest), they are placed inwards instead, when that leaves
    fewer pairs in the wrong order.
    """

    def __init__(self, names, target: float, lines=()):
        super().__init__()
        self._names = names
        self._target = target
        self._lines = list(lines)
        self.set_zorder(_SPACER_ZORDER)
        self.set_in_layout(False)

    def draw(self, renderer):
        from matplotlib.lines import Line2D
        from matplotlib.transforms import IdentityTransform

        ax = self.axes
        pixels = renderer.points_to_pixels(1.0)
        target = ax.transData.transform((ax.get_xlim()[0], self._target))[1]
        frame = ax.get_window_extent(renderer)
        shown, boxes, points = [], [], []
        for name in self._names:
            point = ax.transData.transform(name.xy)
            if not (name.get_visible() and ax.contains_point(point)):
                continue  # matplotlib does not draw a name whose point is outside the axes
            if tuple(name.xyann) != NAME_OFFSET or name.get_horizontalalignment() != "left":
                name.xyann = NAME_OFFSET  # moved by an earlier draw
                name.set_horizontalalignment("left")
                name.set_verticalalignment("baseline")
            box = name.get_window_extent(renderer)
            if box.x1 > frame.x1:  # past the right edge (the largest unit): left of its point
                name.xyann = (-NAME_OFFSET[0], NAME_OFFSET[1])
                name.set_horizontalalignment("right")
                box = name.get_window_extent(renderer)
            shown.append(name)
            boxes.append(box.extents)
            points.append(point[1])
        sides = [1 if y >= target else -1 for y in points]
        shifts = _apart(boxes, points, sides, target=target, low=frame.y0, high=frame.y1,
                        gap=_NAME_GAP * pixels)
        turned = _disorder(boxes, shifts, points, sides, _NAME_GAP * pixels)
        if turned:  # a full column: place the furthest first
            inward = _apart(boxes, points, sides, target=target, low=frame.y0, high=frame.y1,
                            gap=_NAME_GAP * pixels, outward=False)
            if _disorder(boxes, inward, points, sides, _NAME_GAP * pixels) < turned:
                shifts = inward
        paths = [line.get_transform().transform(line.get_xydata()) for line in self._lines if line.get_visible()]
        final = [(b[0], b[1] + shift, b[2], b[3] + shift) for b, shift in zip(boxes, shifts)]
        for k, (name, shift) in enumerate(zip(shown, shifts)):
            if not shift and _crosses(paths, final[k]):
                final[k] = _off_the_lines(name, renderer, paths, final[:k] + final[k + 1:], frame) or final[k]
        for name, box, shift in zip(shown, boxes, shifts):
            if not shift:
                continue
            name.xyann = (name.xyann[0], NAME_OFFSET[1] + shift / pixels)
            x, y = ax.transData.transform(name.xy)
            low, high = box[1] + shift, box[3] + shift
            end = low if low > y else high if high < y else (low + high) / 2  # the edge facing the point
            side = box[0] if box[0] >= x else box[2]  # a name left of its point: its right end
            leader = Line2D([x, side], [y, end], transform=IdentityTransform(), color=name.get_color(),
                            lw=_LEADER_WIDTH, solid_capstyle="butt")
            leader.set_figure(self.figure)
            leader.draw(renderer)


def _crosses(paths, box) -> bool:
    """Whether a line (``paths``: each an (n, 2) array of display points, x increasing)
    passes through ``box`` (x0, y0, x1, y1)."""
    import numpy as np

    x0, y0, x1, y1 = box
    for path in paths:
        x, y = path[:, 0], path[:, 1]
        if not len(x) or x[-1] < x0 or x[0] > x1:
            continue
        inside = y[(x > x0) & (x < x1)]
        ends = np.interp([max(x0, x[0]), min(x1, x[-1])], x, y)
        heights = np.concatenate([inside, ends])
        if heights.min() < y1 and heights.max() > y0:
            return True
    return False


def _off_the_lines(name, renderer, paths, others, frame):
    """Write ``name`` below its point, or left of it above or below, whichever first crosses
    no line, overlaps no other name (``others``: their boxes) and fits the axes; return its
    box, or None (then it is put back where it was)."""
    placed = tuple(name.xyann), name.get_horizontalalignment()
    dx, dy = abs(placed[0][0]), NAME_OFFSET[1]
    right = placed[1] == "left"
    for left, below in ((not right, True), (right, False), (right, True)):
        name.xyann = (-dx if left else dx, -dy if below else dy)
        name.set_horizontalalignment("right" if left else "left")
        name.set_verticalalignment("top" if below else "baseline")
        box = name.get_window_extent(renderer)
        extents = tuple(box.extents)
        if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
                and not _crosses(paths, extents) and not any(box.overlaps(_bbox(o)) for o in others)):
            return extents
    name.xyann = placed[0]
    name.set_horizontalalignment(placed[1])
    name.set_verticalalignment("baseline")
    return None


def _bbox(extents):
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(*extents)


def _disorder(boxes, shifts, points, sides, gap) -> int:
    """The pairs of names on one side of the target, sharing some width, whose places are in
    the other order than their points (the name of the higher point drawn lower)."""
    places = [box[1] + shift for box, shift in zip(boxes, shifts)]
    return sum(1 for i in range(len(boxes)) for j in range(i)
               if sides[i] == sides[j] and boxes[i][0] < boxes[j][2] + gap and boxes[j][0] < boxes[i][2] + gap
               and (points[i] - points[j]) * (places[i] - places[j]) < 0)


def _apart(boxes, points, sides, *, target, low, high, gap, outward: bool = True):
    """Return how far (pixels) to move each box up (negative: down) so that no two overlap.

    ``boxes`` are the names' ``(x0, y0, x1, y1)`` in display coordinates, ``points`` the
    heights of their points, ``sides`` +1 for a point on or above the ``target`` height,
    -1 below it. From the point nearest the target outwards, a name that would overlap
    one already placed (closer than ``gap``, sharing some width) moves vertically to the
    nearest free place on its side of the target line, within the axes (``low``,
    ``high``): away from the target if there is one (a name moving down goes below its
    point, as it starts above it), else towards it. A name with no free place left stays
    where it started, over another; a name that overlaps none does not move.

    With ``outward`` False the names are placed from the furthest point inwards, and a name
    that overlaps one placed moves towards the target first: a column too full for every
    name to move away keeps the names in the order of their points (:func:`_disorder`).
    """
    bottom = [float(b[1]) for b in boxes]
    height = [float(b[3] - b[1]) for b in boxes]

    def across(i, j):
        return boxes[i][0] < boxes[j][2] + gap and boxes[j][0] < boxes[i][2] + gap

    placed = []
    order = 1 if outward else -1
    for i in sorted(range(len(boxes)), key=lambda i: (order * sides[i] * (points[i] - target), i)):
        start, h = bottom[i], height[i]
        # the bottoms of name i that bring it closer than gap to a placed name
        blocked = _merged((bottom[j] - gap - h, bottom[j] + height[j] + gap)
                          for j in placed if across(i, j))
        placed.append(i)
        if _free(start, blocked):
            continue
        if sides[i] > 0:
            lo, hi = max(low, target) + gap, high - gap - h
            away = start
        else:
            lo, hi = low + gap, min(high, target) - gap - h
            away = 2 * points[i] - start - h  # the name mirrored under its point
        edges = (e for pair in blocked for e in pair)
        spots = [y for y in (lo, hi, away, *edges) if lo <= y <= hi and _free(y, blocked)]
        if further := [y for y in spots if order * sides[i] * (y - away) >= 0]:
            bottom[i] = min(further, key=lambda y: (abs(y - away), y))
        elif spots:
            bottom[i] = min(spots, key=lambda y: (abs(y - start), y))
    return [b - box[1] for b, box in zip(bottom, boxes)]


def _merged(intervals) -> list[list[float]]:
    """Return open intervals as sorted, disjoint ``[start, end]`` pairs (their ends are free)."""
    merged = []
    for a, b in sorted(intervals):
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def _free(y: float, blocked) -> bool:
    return not any(a < y < b for a, b in blocked)
