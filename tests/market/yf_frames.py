"""Build frames shaped exactly as yfinance 1.7's ``download`` returns them.

Each ticker's frame is what ``Ticker.history`` gives (auto_adjusted Open, High,
Low, Close, Volume; a tz-aware index in the exchange's zone); a failed ticker is
``yfinance.utils.empty_df()`` (which also has "Adj Close"). They are then joined
as ``yfinance.multi._download_impl`` does: reindexed to the union of the indexes,
concatenated under ``(Ticker, Price)``, swapped to ``(Price, Ticker)`` and sorted
for ``group_by="column"``, flattened for one ticker with
``multi_level_index=False``. ``test_yf_download_matches_these_frames`` checks this
against the real ``yfinance.download``.
"""

import numpy as np
import pandas as pd

NEW_YORK = "America/New_York"


def history(rows, *, tz=NEW_YORK, daily=False):
    """Return one ticker's history frame from (timestamp, o, h, l, c, volume) rows."""
    index = pd.DatetimeIndex([pd.Timestamp(row[0]) for row in rows])
    index = index.tz_localize(tz) if index.tz is None else index.tz_convert(tz)
    index.name = "Date" if daily else "Datetime"
    columns = ["Open", "High", "Low", "Close", "Volume"]
    data = {name: [row[i + 1] for row in rows] for i, name in enumerate(columns)}
    frame = pd.DataFrame(data, index=index)
    frame["Volume"] = frame["Volume"].astype("int64")
    return frame


def failed():
    """Return what yfinance keeps for a ticker whose download failed."""
    empty = pd.DataFrame(
        index=[],
        data={
            "Open": np.nan,
            "High": np.nan,
            "Low": np.nan,
            "Close": np.nan,
            "Adj Close": np.nan,
            "Volume": np.nan,
        },
    )
    empty.index.name = "Date"
    return empty


def download(per_ticker, *, group_by="column", ignore_tz=False, multi_level_index=True):
    """Join per-ticker frames (None = failed) as ``yf.download`` does."""
    dfs = {
        symbol.upper(): (failed() if frame is None else frame.copy())
        for symbol, frame in per_ticker.items()
    }
    if ignore_tz:
        for frame in dfs.values():
            if frame.shape[0] > 0:
                frame.index = frame.index.tz_localize(None)
    else:
        zones = [str(f.index.tz) for f in dfs.values() if not f.empty]
        if zones:
            values, counts = np.unique(zones, return_counts=True)
            mode = values[counts.argmax()]
            for frame in dfs.values():
                if not frame.empty:
                    frame.index = frame.index.tz_convert(mode)
    index = None
    for frame in dfs.values():
        if not frame.empty:
            index = frame.index if index is None else index.union(frame.index)
    if index is None:
        index = pd.DatetimeIndex([])
    dfs = {symbol: frame.reindex(index) for symbol, frame in dfs.items()}
    data = pd.concat(
        dfs.values(), axis=1, sort=True, keys=dfs.keys(), names=["Ticker", "Price"]
    )
    if group_by == "column":
        data.columns = data.columns.swaplevel(0, 1)
        data = data.sort_index(level=0, axis=1)
    if not multi_level_index and len(dfs) == 1:
        data = data.droplevel(0 if group_by == "ticker" else 1, axis=1).rename_axis(
            None, axis=1
        )
    return data
