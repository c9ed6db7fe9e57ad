"""One place for binomial confidence intervals, so every metric bounds them the same way."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.proportion import proportion_confint

#: amebench method name -> statsmodels proportion_confint method.
INTERVAL_METHODS = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
}


def binomial_interval(events, n, conf_level: float = 0.95, method: str = "wilson"):
    """Return ``(low, high)`` arrays for ``events`` successes out of ``n`` (n ≥ 1).

    The limits are :func:`statsmodels.stats.proportion.proportion_confint`; two
    corrections keep ``low ≤ events/n ≤ high`` inside [0, 1]:

    * floating-point round-off (Wilson at x = 0 evaluates to about 5e-17, not 0);
    * Jeffreys limits are set to 0 at x = 0 and 1 at x = n (Brown, Cai & DasGupta
      2001, §4.1.2), otherwise the interval would exclude the estimate itself.
    """
    events = np.asarray(events, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    low, high = proportion_confint(events, n, alpha=1 - conf_level, method=INTERVAL_METHODS[method])
    estimate = events / n
    low = np.clip(np.minimum(np.asarray(low, dtype=np.float64), estimate), 0.0, 1.0)
    high = np.clip(np.maximum(np.asarray(high, dtype=np.float64), estimate), 0.0, 1.0)
    if method == "jeffreys":
        low = np.where(events == 0, 0.0, low)
        high = np.where(events == n, 1.0, high)
    return low, high
