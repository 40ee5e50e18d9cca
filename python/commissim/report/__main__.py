"""python -m commissim.report DIR [--out OUT] [--metrics a,b] [--title T]: see commissim.report."""
import argparse
import sys

from .._cli import CommissimError
from . import report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="commissim report", description="Write REPORT.md and report.html for a commissim result folder.")
    p.add_argument("folder", help="a folder written by commissim run, sweep or compare (a comparison or a comparison study)")
    p.add_argument("--out", help="where to write the report (default: the folder)")
    p.add_argument("--metrics", help="metrics to report, comma-separated (default: the headline metrics)")
    p.add_argument("--title", help="the report's title")
    args = p.parse_args(argv)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    try:
        r = report(args.folder, args.out, metrics=metrics, title=args.title)
    except CommissimError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {r.paths[0]} and {r.paths[1]} ({r.kind} report)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
