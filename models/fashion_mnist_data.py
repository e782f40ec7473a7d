#!/usr/bin/env python3
"""Fashion-MNIST loader for qmlir (numpy only, no torch).

Reads the IDX .gz files shipped by Debian's ``dataset-fashion-mnist`` package
(default directory /usr/share/datasets/fashion-mnist, overridable with the
environment variable QMLIR_FASHION_MNIST_DIR).

As a CLI:
    python3 models/fashion_mnist_data.py --out DIR
writes DIR/fmnist_test_x.npy (float32 [10000,1,28,28], pixel/255, NCHW) and
DIR/fmnist_test_y.npy (int64 [10000]). Idempotent: existing files with the
expected shape/dtype are left alone (use --force to rewrite).
"""
import argparse
import gzip
import os
import sys

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
ENV_VAR = "QMLIR_FASHION_MNIST_DIR"

_FILES = {
    ("train", "images"): "train-images-idx3-ubyte.gz",
    ("train", "labels"): "train-labels-idx1-ubyte.gz",
    ("test", "images"): "t10k-images-idx3-ubyte.gz",
    ("test", "labels"): "t10k-labels-idx1-ubyte.gz",
}


def data_dir():
    return os.environ.get(ENV_VAR) or DEFAULT_DIR


def _read_idx(path, expected_ndim):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError("%s: not an IDX file" % path)
    if raw[2] != 0x08:
        raise ValueError("%s: unsupported IDX element type 0x%02x" % (path, raw[2]))
    ndim = raw[3]
    if ndim != expected_ndim:
        raise ValueError("%s: expected %d dims, got %d" % (path, expected_ndim, ndim))
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    count = int(np.prod(dims))
    if len(raw) - offset != count:
        raise ValueError("%s: size mismatch (%d bytes for dims %s)"
                         % (path, len(raw) - offset, dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(dims)


def load_raw(split, directory=None):
    """Return (images uint8 [N,28,28], labels uint8 [N]) for split 'train'/'test'."""
    d = directory or data_dir()
    images = _read_idx(os.path.join(d, _FILES[(split, "images")]), 3)
    labels = _read_idx(os.path.join(d, _FILES[(split, "labels")]), 1)
    if images.shape[0] != labels.shape[0]:
        raise ValueError("image/label count mismatch for split %r" % split)
    return images, labels


def to_float_nchw(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28] in [0,1] (pixel/255)."""
    return (images_u8.astype(np.float32) / np.float32(255.0))[:, None, :, :]


def load(split, directory=None):
    """Return (x float32 [N,1,28,28] = pixel/255, y int64 [N])."""
    images, labels = load_raw(split, directory)
    return to_float_nchw(images), labels.astype(np.int64)


def _up_to_date(path, shape, dtype):
    if not os.path.exists(path):
        return False
    try:
        a = np.load(path, mmap_mode="r")
    except Exception:
        return False
    return a.shape == shape and a.dtype == dtype


def write_test_set(out_dir, force=False):
    os.makedirs(out_dir, exist_ok=True)
    x_path = os.path.join(out_dir, "fmnist_test_x.npy")
    y_path = os.path.join(out_dir, "fmnist_test_y.npy")
    if (not force and _up_to_date(x_path, (10000, 1, 28, 28), np.float32)
            and _up_to_date(y_path, (10000,), np.int64)):
        return x_path, y_path, False
    x, y = load("test")
    # Write to temp names then rename, so readers never see partial files.
    for path, arr in ((x_path, x), (y_path, y)):
        tmp = path + ".tmp.npy"
        np.save(tmp, np.ascontiguousarray(arr))
        os.replace(tmp, path)
    return x_path, y_path, True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--force", action="store_true", help="rewrite even if up to date")
    args = p.parse_args(argv)
    x_path, y_path, wrote = write_test_set(args.out, args.force)
    print("%s %s (%s)" % (x_path, y_path, "written" if wrote else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
