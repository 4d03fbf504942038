"""``ast.parse`` for code read from several threads at once (the project checks run in worker threads).

CPython up to 3.12 keeps the AST constructor's recursion counter in one per-interpreter state: a parse that runs
while another thread's parse is converting its tree (the GIL changes hands in a garbage collection's finalizers)
resets that counter, and the other parse fails with ``SystemError: AST constructor recursion depth mismatch``
(python/cpython#106905 and its follow-ups). A doctor run saw it as a project check's ``error`` in one run of many.
One parse at a time, then: parsing a project's few files is milliseconds.

The code parsed is the user's, so it may be nested deeper than Python goes: ``x = 1+1+…`` with thousands of terms,
``a.b.b.b…`` or ``not not not …`` make ``ast.parse`` raise ``RecursionError`` or ``MemoryError``; a few hundred
terms parse, and then ``ast.unparse``, ``ast.literal_eval`` and every recursive visitor of the checks raise
``RecursionError``. Both are a ``SyntaxError`` here, like Python's own "too many nested parentheses", on the line
of the statement that is too deep: every caller already says that such a file does not parse.
"""

from __future__ import annotations

import ast
import hashlib
import threading

from tui.i18n import _

MAX_DEPTH = 200
"""Deepest tree handed out (a module, a statement, an expression… each a level). Real code stays under about 40;
``ast.unparse`` needs about three Python frames a level, and a check runs some way down the stack already."""
CANDIDATES = 3
"""How many of the statements with the most tokens are parsed alone to find the one Python cannot parse."""

_one_at_a_time = threading.Lock()
_verdicts: dict[bytes, tuple[str, int | None] | None] = {}
"""Per source (its digest): None when its tree is shallow enough, else (what is wrong, the line). The project
checks parse the same file each; the depth walk and the search for a deep statement run once per content."""
_VERDICTS_KEPT = 64


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source, filename)``, never overlapping another thread's parse.

    Raises ``SyntaxError`` for source nested too deeply (see the module's docstring) with the line of the statement
    that is, and for a NUL byte with the line it is on, whichever Python version says so how.
    """
    with _one_at_a_time:
        key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
        tree: ast.Module | None = None
        try:
            tree = ast.parse(source, filename=filename)
        except SyntaxError as exc:
            if exc.lineno is None and "\x00" in source:  # "source code string cannot contain null bytes"
                exc.lineno = _nul_line(source)
            raise
        except ValueError as exc:
            # Python before 3.11.4 (Debian 12's python3 is 3.11.2) raises ValueError for a NUL byte, where later
            # versions raise SyntaxError: the callers catch SyntaxError, so it becomes one here, with its line.
            if "\x00" not in source:
                raise
            raise SyntaxError(str(exc), (filename, _nul_line(source), 1, None)) from None
        except (RecursionError, MemoryError):
            pass  # raised below, once this exception (and the frames it holds) is gone
        if key not in _verdicts:
            if len(_verdicts) >= _VERDICTS_KEPT:
                _verdicts.pop(next(iter(_verdicts)))
            _verdicts[key] = _deep_statement(source) if tree is None else _too_deep_tree(tree)
        verdict = _verdicts[key]
    if verdict is None and tree is not None:
        return tree
    kind, line = verdict or ("unparsed", None)
    if kind == "tree":
        message = _("nested too deeply to analyse (more than {limit} levels in one statement)").format(limit=MAX_DEPTH)
    elif kind == "found":
        message = _("too deeply nested for Python's parser (thousands of terms or chained calls in one statement)")
    else:
        message = _("too deeply nested for Python's parser somewhere in the file (its longest statement starts here)")
    raise SyntaxError(message, (filename, line, 1, None)) if line else SyntaxError(message)


def _nul_line(source: str) -> int:
    """The line of the first NUL byte in ``source`` (which has one)."""
    return source.count("\n", 0, source.index("\x00")) + 1


def _too_deep_tree(tree: ast.Module) -> tuple[str, int | None] | None:
    """("tree", line) when ``tree`` is more than ``MAX_DEPTH`` levels deep (walked without recursion), else None."""
    stack: list[tuple[ast.AST, int, int | None]] = [(tree, 1, None)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        if depth > MAX_DEPTH:
            return "tree", line
        stack.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return None


def _deep_statement(source: str) -> tuple[str, int | None]:
    """("found", line) of the statement Python cannot parse for its depth (parsed alone to prove it), else
    ("unparsed", first line of the statement with the most tokens), or ("unparsed", None) without statements."""
    import io
    import tokenize

    offsets = [0]
    for text in io.StringIO(source).readlines():  # the lines tokenize counts (split on "\n" only)
        offsets.append(offsets[-1] + len(text))
    statements: list[tuple[int, tuple[int, int], tuple[int, int]]] = []  # (tokens, start, end) per logical line
    skipped = {tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
    count, start = 0, None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in skipped:
                continue
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None:
                    statements.append((count, start, token.start))
                count, start = 0, None
                continue
            start = start or token.start
            count += 1
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # what was counted so far still names candidates
    if not statements:
        return "unparsed", None
    statements.sort(key=lambda s: -s[0])
    for _count, (row, col), (end_row, end_col) in statements[:CANDIDATES]:
        text = source[offsets[row - 1] + col : offsets[end_row - 1] + end_col].rstrip()
        if text.endswith(":"):  # a compound statement's header: give it a body
            text += " pass"
        try:
            ast.parse(text)
        except (RecursionError, MemoryError):
            return "found", row
        except (SyntaxError, ValueError):
            continue
    return "unparsed", statements[0][1][0]


__all__ = ["MAX_DEPTH", "parse"]
