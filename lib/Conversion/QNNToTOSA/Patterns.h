//===- Patterns.h - qnn-to-TOSA pattern groups ------------------*- C++ -*-===//
//
// One populate function per op family; only QNNToTOSA.cpp calls them.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_CONVERSION_QNNTOTOSA_PATTERNS_H
#define QMLIR_LIB_CONVERSION_QNNTOTOSA_PATTERNS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qmlir::qnn_to_tosa {

/// qnn.conv2d (plain, depthwise, grouped), qnn.conv_transpose2d, qnn.dense,
/// qnn.matmul, qnn.batch_norm.
void populateConvDensePatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
/// qnn.max_pool2d, qnn.avg_pool2d, qnn.global_avg_pool.
void populatePoolingPatterns(mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);
/// qnn.relu, qnn.clip, qnn.add, qnn.mul, qnn.softmax, qnn.table,
/// qnn.table2d.
void populateElementwisePatterns(mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
/// qnn.unary, qnn.sub/div/pow/maximum/minimum/prelu, qnn.reduce,
/// qnn.log_softmax (float only).
void populateMathPatterns(mlir::TypeConverter &converter,
                          mlir::RewritePatternSet &patterns);
/// Quantized qnn.reduce prod, qnn.div and qnn.pow: fixed-point logarithms
/// (qmlir/Quant/LogDomain.h).
void populateLogDomainPatterns(mlir::TypeConverter &converter,
                               mlir::RewritePatternSet &patterns);
/// qnn.add/sub/mul/div/pow/maximum/minimum on plain integer tensors (and pow
/// of mixed float and integer operands), qnn.cast.
void populateIntegerPatterns(mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);
/// qnn.reshape, qnn.transpose, qnn.concat, qnn.pad, qnn.slice, qnn.gather.
void populateLayoutPatterns(mlir::TypeConverter &converter,
                            mlir::RewritePatternSet &patterns);
/// qnn.quantize, qnn.dequantize, qnn.requantize, qnn.observe and the quant
/// dialect's scast/qcast/dcast.
void populateQuantOpsPatterns(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);

} // namespace qmlir::qnn_to_tosa

#endif // QMLIR_LIB_CONVERSION_QNNTOTOSA_PATTERNS_H
