"""Rendering: data in, text / HTML / SVG / JSON out.

The only place that knows units, separators and HTML. Every string it did not
write itself goes through :func:`calc.render.html.escape`.
"""
