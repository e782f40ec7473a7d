"""Pictures of a quantized model, with matplotlib (Debian
python3-matplotlib), written to image files.

    qmlir.plot.weights(qmodel, "/16/Gemm", "w.png", float_model=model)
    qmlir.plot.sqnr(qmodel.report(x), "sqnr.png")
"""
import numpy as np

from . import Error


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise Error("qmlir.plot needs matplotlib (Debian: python3-matplotlib)"
                    ) from e
    return plt


def weights(model, layer, path, float_model=None, channel=None, bins=101):
    """Histogram of `layer`'s float weights with the quantized values
    overlaid and the quantization grid (the representable values) marked.

    model: a quantized model (its float model, from qmlir.quantize, or
    float_model= gives the float weights). channel: plot one output channel
    (per-axis weights have one grid per channel). Writes `path` (.png,
    .svg, .pdf) and returns it.
    """
    plt = _pyplot()
    q = model.weights(layer)
    if "storage" not in q:
        raise Error(f"layer '{layer}' of this model is not quantized")
    reference = float_model or model._float
    fw = reference.weights(layer)["values"] if reference is not None else None
    qv = q["values"]
    scales = np.asarray(q["scales"])
    zps = np.asarray(q["zero_points"])
    axis = q["axis"]
    if channel is not None:
        if not 0 <= channel < qv.shape[0]:
            raise Error(f"layer '{layer}' has {qv.shape[0]} output channels, "
                        f"got channel {channel}")
        qv = qv[channel]
        fw = fw[channel] if fw is not None else None
        if axis >= 0:
            scales, zps = scales[channel:channel + 1], zps[channel:channel + 1]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    data = fw if fw is not None else qv
    lo, hi = float(np.min(data)), float(np.max(data))
    edges = np.linspace(lo, hi, bins + 1) if hi > lo else bins
    if fw is not None:
        ax.hist(fw.ravel(), bins=edges, alpha=0.6, label="float")
    ax.hist(qv.ravel(), bins=edges, alpha=0.6, label="quantized")
    if len(scales) == 1:
        grid = (np.arange(q["qmin"], q["qmax"] + 1) - zps[0]) * scales[0]
        grid = grid[(grid >= lo) & (grid <= hi)]
        if len(grid) <= 64:
            for g in grid:
                ax.axvline(g, color="gray", lw=0.5, alpha=0.5)
        title_grid = f"scale {scales[0]:.3g}"
    else:
        title_grid = f"{len(scales)} per-channel scales"
    ax.set_title(f"{layer}: weights "
                 f"({q['qmax'] - q['qmin'] + 1} levels, {title_grid})")
    ax.set_xlabel("weight value")
    ax.set_ylabel("count")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def sqnr(report, path, top=None):
    """Bar chart of per-layer SQNR (dB) from Model.report(), worst first
    (`top`: only the worst N). Writes `path` and returns it."""
    plt = _pyplot()
    rows = sorted(report, key=lambda r: r["sqnr_db"])
    if top:
        rows = rows[:top]
    if not rows:
        raise Error("the report has no layers")
    values = [min(r["sqnr_db"], 100.0) for r in rows]
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(rows) + 1.5))
    ax.barh(range(len(rows)), values, color="tab:blue")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["tensor"] for r in rows], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("SQNR (dB), higher is better")
    ax.set_title("per-layer error of the quantized model")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
