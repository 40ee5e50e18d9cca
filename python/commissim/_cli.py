"""Finding and calling the compiled `commissim` binary; its one-line errors as exceptions."""
from __future__ import annotations

import math
import numbers
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence


class CommissimError(Exception):
    """An error the binary reported: ``file``, ``line``, ``key`` and ``fix`` come from its
    one-line message ``error: FILE:LINE: key 'KEY': MESSAGE — fix: FIX`` (any may be None)."""

    def __init__(self, message: str, *, file: Optional[str] = None, line: Optional[int] = None,
                 key: Optional[str] = None, fix: Optional[str] = None, returncode: Optional[int] = None,
                 errors: Sequence["CommissimError"] = (), stderr: str = ""):
        super().__init__(message)
        self.message, self.file, self.line, self.key, self.fix = message, file, line, key, fix
        self.returncode, self.stderr = returncode, stderr
        self.errors = list(errors) or [self]

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [p for p in (where, f"key '{self.key}'" if self.key else "", self.message) if p]
        text = ": ".join(parts)
        return text + (f" — fix: {self.fix}" if self.fix else "")


#: The largest seed the binary accepts (simulation.seed's range: integers exact in a double).
MAX_SEED = 2**53 - 1


def whole_number(name: str, value, least: int, most: Optional[int] = None) -> int:
    """`value` as a whole number in [least, most], or a CommissimError naming the argument `name`.
    A fractional number, a string or a bool is refused, not truncated: ``seed=1.5`` used to run
    seed 1 and ``replications="3"`` three replications without a word."""

    whole = isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and math.isfinite(value)
                                                  and float(value).is_integer())
    if isinstance(value, bool) or not whole or value < least or (most is not None and value > most):
        span = f"from {least} to {most}" if most is not None else f">= {least}"
        raise CommissimError(f"{value!r} is not a whole number {span}", key=name, fix=f"give {name} {span}")
    return int(value)


def optional_whole_number(name: str, value, least: int, most: Optional[int] = None) -> Optional[int]:
    """``whole_number`` where None (the binary's default) is allowed."""
    return None if value is None else whole_number(name, value, least, most)


def path_argument(name: str, value) -> str:
    """`value` (a str or os.PathLike) as a path, or a CommissimError naming the argument `name`:
    ``run(None)`` or ``run(5)`` raised a TypeError from deep in os.fspath."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, str) and path.strip():
            return path
    raise CommissimError(f"{value!r} is not the path of a file", key=name,
                         fix=f"give {name} as a path: a string or a pathlib.Path")


def mapping_argument(name: str, value, example: str = '{"simulation.scale": 0.1}') -> Mapping:
    """`value` as a mapping ({} for None), or a CommissimError naming the argument `name` and
    showing `example` (``set=[1, 2]`` raised an AttributeError)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CommissimError(f"{value!r} is not a dict", key=name, fix=f"give {name} as a dict, e.g. {name}={example}")
    return value


def names_argument(name: str, value) -> Optional[list]:
    """`value` as a list of names (one string is one name, not its letters: ``metrics="spend"``
    was read as the metrics "s", "p", …), or None; anything else is a CommissimError."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        raise CommissimError(f"{value!r} is not a list of names", key=name, fix=f'give {name} as a list of strings, e.g. ["spend"]')
    return names


def confidence_level(value) -> float:
    """A confidence level strictly between 0 and 1 (0.95 for 95%), or a CommissimError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < 1:
        raise CommissimError(f"{value!r} is not a confidence level", key="level", fix="give a level between 0 and 1, e.g. 0.95")
    return float(value)


_ERROR = re.compile(r"^error: (?P<rest>.*)$")
_KEY = re.compile(r"^(?P<loc>.*?): key '(?P<key>(?:[^']|'(?!: ))*)': (?P<msg>.*)$")


def parse_error(line: str, returncode: Optional[int] = None) -> Optional[CommissimError]:
    """The exception for one ``error: …`` line of the binary's stderr (None for other lines)."""
    m = _ERROR.match(line.rstrip("\n"))
    if not m:
        return None
    rest = m.group("rest")
    fix = None
    if " — fix: " in rest:
        rest, fix = rest.split(" — fix: ", 1)
    file = lineno = key = None
    km = _KEY.match(rest)
    if km:
        loc, key, msg = km.group("loc"), km.group("key"), km.group("msg")
    elif ": " in rest:
        loc, msg = rest.split(": ", 1)
    else:
        loc, msg = "", rest
    if loc:
        head, sep, tail = loc.rpartition(":")
        if sep and tail.isdigit():
            file, lineno = head, int(tail)
        else:
            file = loc
    return CommissimError(msg, file=file, line=lineno, key=key, fix=fix, returncode=returncode)


def binary() -> str:
    """The `commissim` executable: $COMMISSIM_BIN, else `commissim` on PATH, else the
    repository's release build (``.build/release/commissim`` above this package)."""
    env = os.environ.get("COMMISSIM_BIN")
    if env:
        if not os.access(env, os.X_OK):
            raise CommissimError(f"COMMISSIM_BIN={env} is not an executable file",
                                 fix="point COMMISSIM_BIN at the built binary (swift build -c release)")
        return env
    found = shutil.which("commissim")
    if found:
        return found
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / ".build" / "release" / "commissim"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise CommissimError("the commissim binary was not found",
                         fix="build it (swift build -c release --product commissim) and set COMMISSIM_BIN to .build/release/commissim")


def toml_value(value) -> str:
    """A Python value as a TOML literal (for --set and generated study files)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral) and not hasattr(value, "ndim"):
        return str(int(value))
    if isinstance(value, numbers.Real) and not hasattr(value, "ndim"):
        # float(), not repr(value): numpy's float64 is a float whose repr is "np.float64(0.01)".
        value = float(value)
        if not math.isfinite(value):
            raise CommissimError(f"{value!r} is not a finite number", fix="give a finite value")
        text = repr(value)
        return text if any(c in text for c in ".eE") else text + ".0"
    ndim = getattr(value, "ndim", None)
    if ndim == 0 and hasattr(value, "item"):  # numpy scalars (np.float64, np.int64, np.bool_, np.str_)
        return toml_value(value.item())
    if ndim is not None and hasattr(value, "tolist"):  # numpy arrays, pandas Series (np.linspace(…) as a vary list)
        return toml_value(value.tolist())
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Iterable):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise CommissimError(f"{value!r} cannot be written as a scenario value", fix="use a number, string, bool or list")


def _toml_string(text: str) -> str:
    """`text` as a TOML basic string: quotes and backslashes escaped, and every control character
    as its escape (a path or a group's name may hold a line break, which a basic string cannot)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def set_args(flag: str, overrides: Optional[Mapping[str, object]]) -> list:
    """``--set path=value`` arguments for a mapping of parameter paths to values."""
    args: list = []
    for path, value in mapping_argument(flag.lstrip("-").replace("-", "_"), overrides).items():
        args += [flag, f"{path}={toml_value(value)}"]
    return args


def call(args: Sequence[str], *, quiet: bool = False, capture: bool = False) -> str:
    """Runs the binary with `args`; its stderr (progress) is shown as it comes unless `quiet`.
    Returns stdout when `capture`. Raises CommissimError (the first error line, with every
    error line in `.errors`) when it exits with a non-zero status."""
    cmd = [binary(), *map(str, args)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    lines: list = []

    def pump():
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if not quiet and not line.startswith("error: "):
                sys.stderr.write(line)
                sys.stderr.flush()

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    out = proc.stdout.read() if capture and proc.stdout else ""
    rc = proc.wait()
    t.join()
    if rc != 0:
        errors = [e for e in (parse_error(l, rc) for l in lines) if e is not None]
        stderr = "".join(lines)
        if errors:
            first = errors[0]
            raise CommissimError(first.message, file=first.file, line=first.line, key=first.key, fix=first.fix,
                                 returncode=rc, errors=errors, stderr=stderr)
        raise CommissimError(f"commissim exited with status {rc}: {stderr.strip()[-500:]}", returncode=rc, stderr=stderr)
    return out
