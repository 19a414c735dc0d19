"""LP relaxation of the CP-SAT model, solved with HiGHS (scipy), to guide the starting plan.

On national instances the LP relaxation is close to the integer optimum (0.1 % on 1 000
volunteers) but CP-SAT's own search improves a plan slowly, so the best starting plan is the LP
solution rounded greedily and completed by the value greedy. The model is read back from the
CP-SAT proto (linear and at-most-one constraints only, which is all the model uses).
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

INT_LIMIT = 1e15  # CP-SAT encodes infinite bounds as ±int64 max


def _bound(value: int) -> float:
    if value <= -INT_LIMIT:
        return -np.inf
    if value >= INT_LIMIT:
        return np.inf
    return float(value)


def lp_relaxation(model: cp_model.CpModel, time_limit: float) -> np.ndarray | None:
    """Optimal LP values of every model variable, or None (time limit, solver failure)."""
    proto = model.proto
    domains = [list(var.domain) for var in proto.variables]
    lower = np.array([_bound(d[0]) for d in domains])
    upper = np.array([_bound(d[-1]) for d in domains])
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    for constraint in proto.constraints:
        if constraint.has_linear():
            variables = list(constraint.linear.vars)
            coefficients = list(constraint.linear.coeffs)
            domain = list(constraint.linear.domain)
            if len(domain) != 2 or list(constraint.enforcement_literal):
                return None  # not a plain linear row: this model never builds one
            lo, hi = _bound(domain[0]), _bound(domain[1])
        elif constraint.has_at_most_one():
            variables = list(constraint.at_most_one.literals)
            if any(v < 0 for v in variables):
                return None  # negated literals: not used by this model
            coefficients = [1] * len(variables)
            lo, hi = -np.inf, 1.0
        else:
            return None
        row = len(row_lower)
        rows.extend([row] * len(variables))
        cols.extend(variables)
        values.extend(coefficients)
        row_lower.append(lo)
        row_upper.append(hi)
    # The proto objective is always minimised (a maximisation is stored negated).
    objective = np.zeros(len(domains))
    for var, coefficient in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective[var] = coefficient
    matrix = csr_matrix((values, (rows, cols)), shape=(len(row_lower), len(domains)))
    constraints = [LinearConstraint(matrix, row_lower, row_upper)] if row_lower else []
    try:
        result = milp(
            objective,
            constraints=constraints,
            bounds=Bounds(lower, upper),
            integrality=np.zeros(len(domains)),
            options={"time_limit": max(0.1, time_limit), "presolve": True},
        )
    except (ValueError, MemoryError):
        return None
    if result.status != 0 or result.x is None:
        return None
    return result.x
