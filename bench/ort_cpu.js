// ONNX Runtime (npm onnxruntime-node) CPU and wall time per call: median of
// RUNS calls after a warm-up call, on a deterministic input of shape
// BATCH x C x H x W (default 3 x 224 x 224); waiting threads sleep.
//
//   NODE_PATH=build/npm/node_modules node bench/ort_cpu.js model.onnx BATCH RUNS [THREADS [C H W]]
//
// CPU time is process.cpuUsage() (all threads), which on a shared machine is
// steadier than wall time (docs/performance.md).
const ort = require('onnxruntime-node');
const [model, batchText, runsText, threadsText, c, h, w] = process.argv.slice(2);
(async () => {
  const threads = Number(threadsText || 1);
  const s = await ort.InferenceSession.create(model, {intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential',
    extra: {session: {intra_op: {allow_spinning: '0'}}}});
  const shape = [Number(batchText), Number(c||3), Number(h||224), Number(w||224)];
  const n = shape.reduce((a, b) => a * b);
  const data = new Float32Array(n); for (let i = 0; i < n; ++i) data[i] = Math.sin(i);
  const feeds = {}; feeds[s.inputNames[0]] = new ort.Tensor('float32', data, shape);
  await s.run(feeds);
  const walls = [], cpus = [];
  for (let r = 0; r < Number(runsText); ++r) {
    const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
    await s.run(feeds);
    const t1 = process.hrtime.bigint(); const c1 = process.cpuUsage(c0);
    walls.push(Number(t1 - t0) / 1e9); cpus.push((c1.user + c1.system) / 1e6);
  }
  const med = a => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(`ort ${model} b${batchText} t${threads}: median ${med(walls).toFixed(5)} s wall, ${med(cpus).toFixed(5)} s cpu, min cpu ${Math.min(...cpus).toFixed(5)}`);
})();
