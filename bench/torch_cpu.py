"""PyTorch 1.13 fp32 (channels-last) and int8 (FX post-training static
quantization, as bench/compare.py builds it) CPU and wall time per call of a
torchvision model with seeded random weights, one thread: median of RUNS
calls after a warm-up call.

  /usr/bin/python3 bench/torch_cpu.py resnet18|mobilenet_v2 BATCH RUNS
"""
import os, sys, time, statistics
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np, torch
torch.set_num_threads(1)
import compare
name, batch, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
net = compare.torchvision_model(name)
rng = np.random.default_rng(1)
calib = rng.standard_normal((8, 3, 224, 224)).astype(np.float32)
x = torch.from_numpy(np.random.default_rng(2).standard_normal((batch, 3, 224, 224)).astype(np.float32))
q = compare.torch_int8(net, calib, x[:1])
def t(fn):
    fn()
    w, c = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time(); fn(); w.append(time.perf_counter() - w0); c.append(time.process_time() - c0)
    return statistics.median(w), statistics.median(c)
with torch.no_grad():
    xc = x.contiguous(memory_format=torch.channels_last)
    netc = net.to(memory_format=torch.channels_last)
    print("torch fp32 %s b%d: median %.5f s wall, %.5f s cpu" % ((name, batch) + t(lambda: netc(xc))))
    print("torch int8 %s b%d: median %.5f s wall, %.5f s cpu" % ((name, batch) + t(lambda: q(x))))
