"""commissim for Python: run, sweep and compare scenarios with the compiled binary and get
pandas DataFrames back; Sobol and Morris analyses with SALib. See docs/PYTHON.md."""
from ._cli import CommissimError, binary
from .api import ComparisonResult, RunResult, SweepResult, compare, params, run, sweep, validate
from .councils import compare_councils
from .parquet import to_parquet
from .sensitivity import SensitivityResult, morris, sobol

__all__ = ["CommissimError", "binary", "run", "sweep", "compare", "validate", "params", "sobol", "morris", "compare_councils", "to_parquet",
           "RunResult", "SweepResult", "ComparisonResult", "SensitivityResult"]
__version__ = "0.1.0"
