"""Small HTML building blocks. Everything not written here is escaped."""

from __future__ import annotations

# What html.escape(text, quote=True) replaces, and with what. The stdlib module is not
# imported: it loads html.entities (unescape's 2,231 names), 28 kB on the browser's wire.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escape(text) -> str:
    """``str(text)`` safe in HTML text and in a quoted attribute: as ``html.escape``."""
    return str(text).translate(_ESCAPES)


def attrs(**kw) -> str:
    """``attrs(class_="a", data_calc="x")`` -> `` class="a" data-calc="x"``; True -> bare, False/None -> omitted."""
    out = []
    for key, value in kw.items():
        name = key.rstrip("_").replace("_", "-")
        if value is True:
            out.append(f" {name}")
        elif value is not None and value is not False:
            out.append(f' {name}="{escape(value)}"')
    return "".join(out)


def error(message: str) -> str:
    """A user-facing error: plain escaped text in an alert region."""
    return f'<p class="calc-error" role="alert">{escape(message)}</p>'


def warnings(items) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{escape(w)}</li>" for w in items)
    return f'<ul class="calc-warnings" role="status">{lis}</ul>'


def table(header, rows, numeric=()) -> str:
    """A table; ``numeric`` lists column indexes to right-align. Cells are escaped."""
    rows = list(rows)
    # Each cell's opening tag by column, looked up rather than formatted: a layer table is
    # thousands of cells on every keystroke.
    width = max([len(header), *map(len, rows)])
    th = ['<th class="num">' if i in numeric else "<th>" for i in range(width)]
    td = ['<td class="num">' if i in numeric else "<td>" for i in range(width)]
    head = "".join([th[i] + str(h).translate(_ESCAPES) + "</th>" for i, h in enumerate(header)])
    body = "".join(["<tr>" + "".join([td[i] + str(v).translate(_ESCAPES) + "</td>"
                                      for i, v in enumerate(r)]) + "</tr>" for r in rows])
    return f'<table class="calc-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
