"""python -m commissim.report DIR [--out OUT] [--metrics a,b] [--title T]: see commissim.report."""
import argparse
import os
import signal
import sys

from .._cli import CommissimError
from . import report


class _Stopped(BaseException):
    """SIGTERM or SIGHUP while the report is drawn: unwinds like Ctrl-C, so the staged report is removed."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number


def _stop(number, _frame):
    raise _Stopped(number)


def _stop_signals():
    """The interruptions to stop on: those `commissim report` names (it passes on the signals it
    was not started ignoring, and this process may have inherited them ignored), else those not
    ignored here (one ignored by whoever started us, as nohup does, stays ignored)."""
    named = os.environ.get("COMMISSIM_STOP_SIGNALS")
    if named is not None:
        return [int(n) for n in named.split(",") if n.strip().isdigit() and int(n) in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    return [n for n in (signal.SIGTERM, signal.SIGHUP) if signal.getsignal(n) is not signal.SIG_IGN]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="commissim report", description="Write REPORT.md and report.html for a commissim result folder.")
    p.add_argument("folder", help="a folder written by commissim run, sweep or compare (a comparison or a comparison study)")
    p.add_argument("--out", help="where to write the report (default: the folder)")
    p.add_argument("--metrics", help="metrics to report, comma-separated (default: the headline metrics)")
    p.add_argument("--title", help="the report's title")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = p.parse_args(argv)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    for number in _stop_signals():
        signal.signal(number, signal.default_int_handler if number == signal.SIGINT else _stop)
    try:
        r = report(args.folder, args.out, metrics=metrics, title=args.title)
    except CommissimError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: the earlier report is left as it was (see report())
        return 128 + signal.SIGINT
    except _Stopped as e:
        return 128 + e.number
    if not args.quiet:
        print(f"wrote {r.paths[0]} and {r.paths[1]} ({r.kind} report)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
