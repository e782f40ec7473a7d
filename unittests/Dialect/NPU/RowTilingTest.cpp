//===- RowTilingTest.cpp - row tiles of layers other than conv2d/dense ----===//
//
// The cost model tiles an accelerator layer other than conv2d/dense whose
// one image does not fit on-chip memory into tiles of output rows
// (docs/Targets.md, "Tiling"): each tile holds the input rows its outputs
// read (pooling with its window's halo, pad only the rows inside the image)
// and its outputs; the layer streams its input and output through off-chip
// memory. Checked against the numbers worked out by hand; a layer of which
// not even one output row fits stays whole and is reported over memory.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/NPU/Sim/Simulator.h"

#include <gtest/gtest.h>

using namespace qmlir;
using namespace qmlir::npu;

namespace {

/// One segment holding `op`, whose inputs are tensors 0.. and output the
/// last tensor, on a target with `memory` bytes.
SimProgram oneOp(SimOp op, std::vector<std::vector<int64_t>> shapes,
                 int64_t memory) {
  SimProgram p;
  p.hardware = {"test", 4, 4, 100.0, memory};
  for (auto &shape : shapes) {
    SimTensor t;
    t.type = ElementType::I8;
    t.shape = shape;
    t.bits = 8;
    p.tensors.push_back(t);
  }
  int64_t out = static_cast<int64_t>(shapes.size()) - 1;
  op.name = "layer";
  op.input = 0;
  op.output = out;
  SimStep seg;
  seg.kind = SimStepKind::Segment;
  for (int64_t i = 0; i < out; ++i)
    seg.inputs.push_back(i);
  seg.outputs = {out};
  seg.ops = {op};
  p.steps = {seg};
  return p;
}

SimOp maxPool(int64_t k, int64_t stride, int64_t pad) {
  SimOp op;
  op.kind = SimOpKind::MaxPool2d;
  op.kernel = {k, k};
  op.strides = {stride, stride};
  op.padding = {pad, pad, pad, pad};
  op.bits = 8;
  return op;
}

TEST(RowTiling, PoolTilesReadTheirWindowsRows) {
  // 2x2 / 2 pooling of 8x8x4: a tile of R output rows needs 2R input rows
  // (64R bytes) and R output rows (16R): 80 bytes for R = 1 in 100 bytes.
  LayerStats l = estimateCost(oneOp(maxPool(2, 2, 0),
                                    {{1, 8, 8, 4}, {1, 4, 4, 4}}, 100))
                     .layers[0];
  EXPECT_EQ(l.tiles, 4);
  EXPECT_EQ(l.onChipBytes, 80);
  EXPECT_EQ(l.offChipBytes, 256 + 64);
  // 3x3 / 2 with padding 1: output row r reads input rows 2r-1 .. 2r+1
  // inside the image: 2, 3, 3, 3 rows, so the halo row is read twice.
  l = estimateCost(oneOp(maxPool(3, 2, 1), {{1, 8, 8, 4}, {1, 4, 4, 4}},
                         120))
          .layers[0];
  EXPECT_EQ(l.tiles, 4);
  EXPECT_EQ(l.onChipBytes, 3 * 32 + 16);
  EXPECT_EQ(l.offChipBytes, 11 * 32 + 64);
  // Fits whole: untiled, no traffic of its own.
  l = estimateCost(oneOp(maxPool(2, 2, 0), {{1, 8, 8, 4}, {1, 4, 4, 4}},
                         320))
          .layers[0];
  EXPECT_EQ(l.tiles, 0);
  EXPECT_EQ(l.onChipBytes, 320);
  EXPECT_EQ(l.offChipBytes, 0);
}

TEST(RowTiling, AddPadAndClamp) {
  SimOp add;
  add.kind = SimOpKind::Add;
  add.inputs = {0, 1};
  add.inputBits = add.outputBits = 8;
  // Both inputs and the output, 8 bytes a row each.
  LayerStats l = estimateCost(oneOp(add, {{1, 4, 4, 2}, {1, 4, 4, 2},
                                          {1, 4, 4, 2}},
                                    30))
                     .layers[0];
  EXPECT_EQ(l.tiles, 4);
  EXPECT_EQ(l.onChipBytes, 24);
  EXPECT_EQ(l.offChipBytes, 3 * 32);
  // Pad one row above and below: 3 output rows read at most 2 input rows.
  SimOp pad;
  pad.kind = SimOpKind::Pad;
  pad.padding = {0, 0, 1, 1, 0, 0, 0, 0};
  pad.bits = 8;
  l = estimateCost(oneOp(pad, {{1, 4, 4, 2}, {1, 6, 4, 2}}, 40)).layers[0];
  EXPECT_EQ(l.tiles, 2);
  EXPECT_EQ(l.onChipBytes, 3 * 8 + 2 * 8);
  EXPECT_EQ(l.offChipBytes, 32 + 48);
  // Not even one row (8 + 8 bytes) fits 10 bytes: whole, over memory.
  SimOp clamp;
  clamp.kind = SimOpKind::Clamp;
  clamp.bits = 8;
  clamp.min = -10;
  clamp.max = 10;
  SimStats s = estimateCost(oneOp(clamp, {{1, 4, 4, 2}, {1, 4, 4, 2}}, 10));
  EXPECT_EQ(s.layers[0].tiles, 0);
  EXPECT_EQ(s.layers[0].onChipBytes, 64);
  EXPECT_EQ(s.peakOnChipBytes, 64);
  // With two images, tiles and traffic double; bytes per tile do not.
  l = estimateCost(oneOp(clamp, {{2, 4, 4, 2}, {2, 4, 4, 2}}, 40)).layers[0];
  EXPECT_EQ(l.tiles, 2 * 2);
  EXPECT_EQ(l.onChipBytes, 32);
  EXPECT_EQ(l.offChipBytes, 2 * 64);
}

TEST(RowTiling, ConcatAlongRowsIsNotTiled) {
  SimOp concat;
  concat.kind = SimOpKind::Concat;
  concat.inputs = {0, 1};
  concat.bits = 8;
  concat.axis = 3; // channels: R rows of each input
  LayerStats l = estimateCost(oneOp(concat, {{1, 4, 4, 2}, {1, 4, 4, 2},
                                             {1, 4, 4, 4}},
                                    40))
                     .layers[0];
  EXPECT_EQ(l.tiles, 4);
  EXPECT_EQ(l.onChipBytes, 8 + 8 + 16);
  concat.axis = 1; // rows: left whole
  l = estimateCost(oneOp(concat, {{1, 4, 4, 2}, {1, 4, 4, 2},
                                  {1, 8, 4, 2}},
                         40))
          .layers[0];
  EXPECT_EQ(l.tiles, 0);
  EXPECT_EQ(l.onChipBytes, 2 * 64);
}

} // namespace
