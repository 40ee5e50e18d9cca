"""commissim for Python: run, sweep and compare scenarios with the compiled binary and get
pandas DataFrames back; Sobol and Morris analyses with SALib. See docs/PYTHON.md."""
from ._cli import CommissimError, binary
from .api import ComparisonResult, RunResult, SweepResult, compare, params, run, sweep, validate
from .councils import compare_councils
from .parquet import to_parquet
from .sensitivity import ContrastSensitivityResult, SensitivityResult, morris, sobol, sobol_contrast

__all__ = ["CommissimError", "binary", "run", "sweep", "compare", "validate", "params", "sobol", "morris", "compare_councils", "to_parquet",
           "RunResult", "SweepResult", "ComparisonResult", "SensitivityResult", "ContrastSensitivityResult", "sobol_contrast", "write_report"]
__version__ = "0.1.0"


def write_report(folder, out=None, **kwargs):
    """`commissim report`: REPORT.md and report.html for a result folder (see commissim.report;
    named apart from that module, which importing it would bind to the same name)."""
    from .report import report as _report  # noqa: PLC0415 (matplotlib loads only when reporting)

    return _report(folder, out, **kwargs)
