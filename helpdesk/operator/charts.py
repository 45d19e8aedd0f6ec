"""Charts as plain SVG drawn on the server: coordinates here, markup in templates/operator/_chart.html.

No script and no inline style (the CSP allows neither): colours are SVG presentation attributes,
and every chart comes with its figures as a table for screen readers and for copying.
"""
WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
COLOURS = ("#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#6b7280")


def nice_ceiling(value):
    """The axis maximum: 1, 2 or 5 times a power of ten, at least `value` (1 for an empty chart)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def chart(title, labels, series, *, kind="line", unit=""):
    """`series`: [(name, [value or None per label])]. Returns what the template draws:
    lines (points strings) or bars (rectangles), the y-axis ticks, a few x labels, the table."""
    values = [v for _, points in series for v in points if v is not None]
    top = nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)

    def y(value):
        return round(TOP + plot_h - plot_h * value / top, 1)

    drawn = []
    for index, (name, points) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        if kind == "bar":
            slot = plot_w / count / len(series)
            bars = [{"x": round(LEFT + (i * len(series) + index) * slot + slot * 0.1, 1), "y": y(v),
                     "width": round(max(slot * 0.8, 1), 1), "height": round(TOP + plot_h - y(v), 1)}
                    for i, v in enumerate(points) if v]
            drawn.append({"name": name, "colour": colour, "bars": bars})
        else:
            step = plot_w / max(count - 1, 1)
            coordinates = " ".join(f"{round(LEFT + i * step, 1)},{y(v)}" for i, v in enumerate(points)
                                   if v is not None)
            drawn.append({"name": name, "colour": colour, "points": coordinates})
    ticks = [{"y": y(top * share), "label": _short(top * share)} for share in (0, 0.5, 1)]
    shown = max(count // 6, 1)
    x_labels = [{"x": round(LEFT + (i + (0.5 if kind == "bar" else 0)) * plot_w / (count if kind == "bar" else max(count - 1, 1)), 1),
                 "label": label} for i, label in enumerate(labels) if i % shown == 0]
    return {"title": title, "kind": kind, "unit": unit, "series": drawn, "ticks": ticks, "x_labels": x_labels,
            "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + plot_h,
            "table": {"labels": labels, "rows": [(name, points) for name, points in series]},
            "empty": not values}


def _short(value):
    """1200 -> 1.2k: axis labels stay narrow."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"
